import { z } from "zod";
import type { RestRoute } from "./route";

// The OpenAPI 3.1 document is generated from the same route table and zod schemas the handlers
// use, so it cannot drift from what the server accepts.
function schemaOf(s: z.ZodType | undefined) {
  if (!s) return undefined;
  return z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

export function buildOpenApi(routes: RestRoute[], serverUrl = "/") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.path.endsWith("openapi.json")) continue;
    const p = r.path.replace(/:([a-zA-Z]+)/g, "{$1}");
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: (r.keys ?? []).map((k) => ({ name: k, in: "path", required: true, schema: { type: "string" } })),
      responses: {
        [String(r.status ?? 200)]: r.response
          ? { description: "OK", content: { "application/json": { schema: schemaOf(r.response) } } }
          : { description: "OK" },
        default: {
          description: "Problem details (RFC 9457)",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
      ...(r.public ? { security: [] } : {}),
    };
    if (r.query) {
      const js = schemaOf(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {})) {
        (op.parameters as unknown[]).push({
          name,
          in: "query",
          required: js.required?.includes(name) ?? false,
          schema,
        });
      }
    }
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: schemaOf(r.body) } } };
    (paths[p] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Signalbox REST API",
      version: "1",
      description:
        "Tenant apps call Signalbox with an API key: `Authorization: Bearer <keyId>.<secret>` (or AWS SigV4).",
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "<keyId>.<secret>" } },
      schemas: {
        Problem: {
          type: "object",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: { type: "string" },
            errors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
            requestId: { type: "string" },
          },
        },
      },
    },
  };
}
