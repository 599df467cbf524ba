import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import { publicUrl } from "../../platform/public-url";
import {
  createEventSource,
  deleteSource,
  getSource,
  listSources,
  recentSourceRequests,
  rotateSourceSecret,
} from "./event-source.service";
import { createEventSourceInput, rotateSecretBody } from "./event-source.schemas";

// eventSourceRouter (`trpc.eventSource.*`): every input also carries `tenant` (slug or id); `bus` is
// the bus's name or ARN.
//   list({bus})                          → [{id,name,kind,bus,busArn,source:"partner.<name>",ingestUrl,tokenHeader,
//                                            createdAt,rotatedAt,previousSecretExpiresAt}]
//   create({bus,name,kind,secret?,tokenHeader?}) → {source, secret}   the secret is shown this once
//                                          kind: "standard-webhooks" | "github" | "stripe" | "token"
//                                          a taken name → CONFLICT with data.fieldErrors.name
//   delete({bus,id})                     → {id, deleted}
//   get({bus,id})                        → source view
//   rotateSecret({bus,id,secret?,overlapHours?}) → {secret, previousExpiresAt}   (the secret once; the old one
//                                          stops working at once, or after overlapHours (≤ 168); pass
//                                          Stripe's whsec_… as `secret` after adding the endpoint in Stripe)
//   requests({bus,id,limit?})            → [{id,receivedAt,status,deliveryId,detailType,eventId,reason}] newest first
const ref = z.object({ bus: z.string().min(1), id: z.string().min(1) });

export const eventSourceRouter = router({
  list: tenantProcedure
    .input(z.object({ bus: z.string().min(1) }))
    .query(({ ctx, input }) => listSources(ctx.actor, ctx.tenant, input.bus, publicUrl(ctx.origin))),
  create: tenantProcedure
    .input(createEventSourceInput)
    .mutation(({ ctx, input }) => createEventSource(ctx.actor, ctx.tenant, input, publicUrl(ctx.origin))),
  delete: tenantProcedure.input(ref).mutation(async ({ ctx, input }) => {
    await deleteSource(ctx.actor, ctx.tenant, input.bus, input.id);
    return { id: input.id, deleted: true };
  }),
  get: tenantProcedure
    .input(ref)
    .query(({ ctx, input }) => getSource(ctx.actor, ctx.tenant, input.bus, input.id, publicUrl(ctx.origin))),
  rotateSecret: tenantProcedure
    .input(ref.extend(rotateSecretBody.shape))
    .mutation(({ ctx, input }) => rotateSourceSecret(ctx.actor, ctx.tenant, input.bus, input.id, input)),
  requests: tenantProcedure
    .input(ref.extend({ limit: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => recentSourceRequests(ctx.actor, ctx.tenant, input.bus, input.id, input.limit)),
});
