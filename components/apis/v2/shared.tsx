"use client";
import { Badge } from "@/components/ui";
import type { RouterOutputs } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";

// HTTP and WebSocket APIs (API Gateway v2) in the console: shapes of trpc.apis.v2.* and small
// pieces the pages share.

export type V2Summary = RouterOutputs["apis"]["v2"]["list"][number];
export type HttpApiDetail = RouterOutputs["apis"]["v2"]["http"];
export type HttpRoute = HttpApiDetail["routes"][number];
export type HttpIntegration = HttpApiDetail["integrations"][number];
export type HttpAuthorizer = HttpApiDetail["authorizers"][number];
export type HttpStage = HttpApiDetail["stages"][number];
export type WsApiDetail = RouterOutputs["apis"]["v2"]["ws"];
export type WsRoute = WsApiDetail["routes"][number];
export type WsConnection = RouterOutputs["apis"]["v2"]["connections"][number];

export type Protocol = "REST" | "HTTP" | "WEBSOCKET";

/** Where an API's page is: REST at apis/<id>, HTTP at apis/http/<id>, WebSocket at apis/websocket/<id>. */
export const anyApiHref = (slug: string, protocol: Protocol, apiId: string, tab?: string) =>
  tenantPath(
    slug,
    "apis",
    protocol === "HTTP" ? "http" : protocol === "WEBSOCKET" ? "websocket" : "",
    encodeURIComponent(apiId),
  ) + (tab ? `?tab=${tab}` : "");

export function ProtocolBadge({ protocol }: { protocol: Protocol }) {
  return protocol === "REST" ? (
    <Badge tone="neutral">REST</Badge>
  ) : protocol === "HTTP" ? (
    <Badge tone="accent">HTTP</Badge>
  ) : (
    <Badge tone="info">WebSocket</Badge>
  );
}

/** "a, b , c" → ["a", "b", "c"] */
export const listOf = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

export const functionName = (arn: string | null | undefined) => (arn ? (arn.split(":function:")[1] ?? arn) : "");
