// API Gateway's access-log format: `$context.*` variables of a stage's accessLogSettings.format.

/**
 * A stage's access log line: `format` with its `$context.*` variables filled in (`-` when unknown),
 * including `$context.status`, `$context.responseLength` and `$context.responseLatency`.
 */
export function accessLogLine(format: string, context: Record<string, unknown>): string {
  return format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_, p: string) => {
    let v: unknown = context;
    for (const k of p.split("."))
      v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
    return v === undefined || v === null ? "-" : typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}
