// Reading tRPC errors in forms: the server's error formatter puts zod/AppError field errors in
// `error.data.fieldErrors` (server/trpc/trpc.ts).
type MaybeTrpcError =
  | { message?: string; data?: { fieldErrors?: Record<string, string[]> | null; code?: string } | null }
  | null
  | undefined;

export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  return ((error as MaybeTrpcError)?.data?.fieldErrors ?? {}) as Record<string, string[]>;
}

/** A message for an Alert; null when the error is only about fields (shown under them instead). */
export function errorMessageOf(error: unknown, opts: { includeFieldErrors?: boolean } = {}): string | null {
  if (!error) return null;
  const e = error as MaybeTrpcError;
  const fe = e?.data?.fieldErrors;
  if (fe && Object.keys(fe).length > 0 && !opts.includeFieldErrors) return null;
  return e?.message || "Something went wrong.";
}
