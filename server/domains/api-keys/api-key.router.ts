import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  createApiKey,
  createApiKeyInput,
  keyLimitsInput,
  listApiKeys,
  revokeApiKey,
  setApiKeyLimits,
} from "./api-key.service";

export const apiKeyRouter = router({
  list: tenantProcedure.query(({ ctx }) => listApiKeys(ctx.actor, ctx.tenant.id)),
  create: tenantProcedure
    .input(createApiKeyInput)
    .mutation(({ ctx, input }) => createApiKey(ctx.actor, ctx.tenant.id, input)),
  setLimits: tenantProcedure
    .input(keyLimitsInput)
    .mutation(({ ctx, input }) => setApiKeyLimits(ctx.actor, ctx.tenant.id, input)),
  revoke: tenantProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.actor, ctx.tenant.id, input.id)),
});
