import { z } from "zod";
import { defineRoute } from "./route";
import { permissionsOf } from "../../auth/permissions";

export const whoamiRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/v1/whoami",
    tag: "identity",
    summary: "Who the calling key is: tenant, account id, key id and role.",
    response: z.object({
      tenantId: z.string(),
      tenant: z.string(),
      accountId: z.string(),
      keyId: z.string(),
      role: z.string(),
      arn: z.string(),
      permissions: z.array(z.string()),
    }),
    handler: async (ctx) => ({
      tenantId: ctx.tenant.id,
      tenant: ctx.tenant.slug,
      accountId: ctx.tenant.accountId,
      keyId: ctx.actor.keyId,
      role: ctx.actor.role,
      arn: `arn:aws:iam::${ctx.tenant.accountId}:user/${ctx.actor.keyId}`,
      permissions: [...permissionsOf(ctx.actor.role)],
    }),
  }),
];
