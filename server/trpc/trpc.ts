import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { randomUUID } from "node:crypto";
import { isAppError } from "../core/errors";
import { logger, type Logger } from "../logger";
import { resolveTenantScope, type TenantScope } from "../domains/tenants/tenant-access";
import type { GatewayPipeline } from "../domains/apis/test-invoke";
import { gatewayPipeline } from "../http/gateway/pipeline";

// The console's tRPC setup, in one place:
//  - context: the signed-in user (next-auth JWT), a request logger, and the execute-api pipeline
//    (http/gateway) for the use cases that run it (a method's "Test"), which domains cannot import;
//  - errors: AppError → tRPC code via the shared table; zod and AppError field errors reach forms
//    as `data.fieldErrors`;
//  - procedures: public, authed (signed in), tenant (signed in + member of the tenant named by the
//    `tenant` input; the role check itself happens in the service, through server/auth/permissions).

export type Context = {
  userId: string | null;
  requestId: string;
  log: Logger;
  origin: string | null;
  /** Always set by createContext; optional so callers that build a context by hand need not. */
  gateway?: GatewayPipeline;
};

/** `origin`: where the browser reached us (links the server hands out, e.g. SubscribeURL). */
export async function createContext(opts: { userId: string | null; origin?: string | null }): Promise<Context> {
  const requestId = randomUUID();
  return {
    userId: opts.userId,
    requestId,
    origin: opts.origin ?? null,
    gateway: gatewayPipeline,
    log: logger.child({ requestId, actor: opts.userId ?? "anonymous" }),
  };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let fieldErrors: Record<string, string[]> | undefined;
    if (cause instanceof ZodError) fieldErrors = z.flattenError(cause).fieldErrors as Record<string, string[]>;
    else if (isAppError(cause) && cause.fieldErrors) fieldErrors = cause.fieldErrors;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        fieldErrors: fieldErrors ?? null,
        appCode: isAppError(cause) ? cause.code : null,
      },
    };
  },
});

const mapAppErrors = t.middleware(async ({ next, ctx, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isAppError(cause)) throw new TRPCError({ code: cause.mapping.trpc, message: cause.message, cause });
    if (result.error.code === "INTERNAL_SERVER_ERROR")
      ctx.log.error({ err: cause ?? result.error, path }, "trpc procedure failed");
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapAppErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

export const tenantInput = z.object({ tenant: z.string().min(1) });

export const tenantProcedure = authedProcedure.input(tenantInput).use(async ({ ctx, input, next }) => {
  const scope: TenantScope = await resolveTenantScope(ctx.userId, (input as { tenant: string }).tenant);
  return next({ ctx: { ...ctx, ...scope, log: ctx.log.child({ tenantId: scope.tenant.id }) } });
});
