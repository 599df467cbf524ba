import { AppError } from "../core/errors";

// Every role check in Signalbox goes through this table (console, REST, AWS door, CLI).
export const ROLES = ["owner", "admin", "developer", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | "resource:read" // see queues, topics, messages, deliveries, charts
  | "resource:write" // create/change/delete resources, send/receive/purge/redrive
  | "keys:manage" // create and revoke API keys
  | "members:manage" // invite, change roles, remove members
  | "audit:read"
  | "tenant:manage" // rename the tenant
  | "tenant:delete"; // delete the tenant and everything in it

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: [
    "resource:read",
    "resource:write",
    "keys:manage",
    "members:manage",
    "audit:read",
    "tenant:manage",
    "tenant:delete",
  ],
  admin: ["resource:read", "resource:write", "keys:manage", "members:manage", "audit:read", "tenant:manage"],
  developer: ["resource:read", "resource:write"],
  viewer: ["resource:read"],
};

const RANK: Record<Role, number> = { owner: 4, admin: 3, developer: 2, viewer: 1 };

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function assertCan(role: Role, permission: Permission): void {
  if (!can(role, permission)) {
    throw new AppError("forbidden", `Your role (${role}) does not allow ${permission.replace(":", " ")}.`, {
      awsCode: "AccessDenied",
    });
  }
}

/** A key or an invite may carry at most the creator's own role. */
export function roleAtMost(candidate: Role, ceiling: Role): boolean {
  return RANK[candidate] <= RANK[ceiling];
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}

export type Actor =
  | { type: "user"; userId: string; email: string; role: Role }
  | { type: "api_key"; keyId: string; role: Role }
  | { type: "cli"; label: string; role: Role }
  | { type: "system"; label: string; role: Role };

export function actorLabel(a: Actor): string {
  switch (a.type) {
    case "user":
      return a.email;
    case "api_key":
      return a.keyId;
    default:
      return a.label;
  }
}

export function actorId(a: Actor): string | null {
  return a.type === "user" ? a.userId : a.type === "api_key" ? a.keyId : null;
}
