import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import { createFunctionInput, functionSettingsInput, invokeFunctionInput } from "./function.schemas";
import {
  createFunction,
  deleteFunction,
  getFunctionByIdOrName,
  listFunctions,
  rotateFunctionSecret,
  updateFunction,
} from "./function.service";
import { invokeFunction } from "./function.invoke";
import { functionView } from "./function.console";

// functionRouter (`trpc.function.*`): every input also carries `tenant` (slug or id).
//   list({marker?})                        → {functions: [function view], nextMarker}
//   get({id})                              → function view (id, name or ARN... by id or name)
//   create({name,url,description?,timeoutSeconds?,reservedConcurrency?,maximumRetryAttempts?,
//           maximumEventAgeSeconds?,onFailureDestination?}) → {function, signingSecret (whsec_…, shown once)}
//   update({id, …same optional settings; null clears reservedConcurrency / onFailureDestination}) → function view
//   delete({id})                           → {id, deleted}
//   rotateSecret({id})                     → {signingSecret (shown once)}
//   invoke({id,payload,invocationType})    → {statusCode, requestId, payload?, functionError?}
//                                            (payload is the function's answer as text; recent async
//                                            invocations: trpc.delivery.attempts({endpoint: arn}))
const id = z.object({ id: z.string().min(1) });

export const functionRouter = router({
  list: tenantProcedure.input(z.object({ marker: z.string().nullish() })).query(async ({ ctx, input }) => {
    const r = await listFunctions(ctx.actor, ctx.tenant, { marker: input.marker ?? null });
    return { functions: r.functions.map(functionView), nextMarker: r.nextMarker };
  }),
  get: tenantProcedure
    .input(id)
    .query(async ({ ctx, input }) => functionView(await getFunctionByIdOrName(ctx.actor, ctx.tenant, input.id))),
  create: tenantProcedure.input(createFunctionInput).mutation(async ({ ctx, input }) => {
    const { fn, secret } = await createFunction(ctx.actor, ctx.tenant, input);
    return { function: functionView(fn), signingSecret: secret };
  }),
  update: tenantProcedure
    .input(functionSettingsInput.extend({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const { id: fnId, ...settings } = input;
      return functionView(await updateFunction(ctx.actor, ctx.tenant, fnId, settings));
    }),
  delete: tenantProcedure.input(id).mutation(async ({ ctx, input }) => {
    await deleteFunction(ctx.actor, ctx.tenant, input.id);
    return { id: input.id, deleted: true };
  }),
  rotateSecret: tenantProcedure.input(id).mutation(async ({ ctx, input }) => ({
    signingSecret: await rotateFunctionSecret(ctx.actor, ctx.tenant, input.id),
  })),
  invoke: tenantProcedure
    .input(invokeFunctionInput.extend({ id: z.string().min(1) }))
    .mutation(async ({ ctx, input }) => {
      const fn = await getFunctionByIdOrName(ctx.actor, ctx.tenant, input.id);
      const r = await invokeFunction({ actor: ctx.actor, tenant: ctx.tenant }, fn.arn, input.payload, {
        invocationType: input.invocationType,
        requestId: ctx.requestId,
      });
      return r.statusCode === 200
        ? { statusCode: 200, requestId: r.requestId, payload: r.payload, functionError: r.functionError }
        : { statusCode: r.statusCode, requestId: r.requestId, payload: null, functionError: null };
    }),
});
