import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import { browseAudit } from "./audit.service";

export const auditRouter = router({
  list: tenantProcedure
    .input(
      z.object({
        action: z.string().max(100).optional(),
        actor: z.string().max(200).optional(),
        targetType: z.string().max(50).optional(),
        cursor: z.string().regex(/^\d+$/).optional(),
        since: z.coerce.date().optional(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => browseAudit(ctx.actor, ctx.tenant.id, input)),
});
