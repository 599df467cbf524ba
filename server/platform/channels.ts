// NOTIFY channels that more than one domain listens on (server/platform/listen.ts).

/** Payload: the tenant id. Sent when a tenant and everything of it has been deleted. */
export const TENANT_DELETED_CHANNEL = "signalbox_tenant_deleted";
