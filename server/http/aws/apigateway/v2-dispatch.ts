import type { AwsAction, AwsCall, RestJsonRoute } from "../types";
import { v2Actions, v2Routes } from "./v2.actions";
import { ownsWsCall, wsApiItems, wsV2Actions, wsV2Routes } from "./v2-ws.actions";

// API Gateway v2 on the AWS door: HTTP APIs (v2.actions.ts) and WebSocket APIs (v2-ws.actions.ts)
// share the same paths (/v2/apis/{apiId}/...). One route per method and path: an operation both
// kinds have goes to the WebSocket handler when the call is about a WebSocket API (CreateApi with
// protocolType WEBSOCKET, or an apiId that is one), else to the HTTP API handler; GetApis lists
// both kinds; operations only WebSocket APIs have (route and integration responses) keep their own
// routes. Actions are keyed `V2.<Action>` / `ws:<Action>`: v1 has actions of the same wire names.

const shape = (r: Pick<RestJsonRoute, "method" | "path">) => `${r.method} ${r.path.replace(/\{[^}]+\}/g, "{}")}`;
const wsByShape = new Map(wsV2Routes.map((r) => [shape(r), r.action]));
const wsHandlers = new Map(wsV2Actions);
const httpShapes = new Set(v2Routes.map(shape));

async function getApisOfBothKinds(http: AwsAction, c: AwsCall) {
  const reply = await http(c);
  // WebSocket APIs are listed on the first page (the HTTP APIs' paging token covers HTTP APIs only).
  if (c.query?.get("nextToken") || (reply.status ?? 200) !== 200) return reply;
  const body = JSON.parse(String(reply.body)) as { items?: unknown[] };
  body.items = [...(body.items ?? []), ...(await wsApiItems(c))];
  return { ...reply, body: JSON.stringify(body) };
}

const shared: [string, AwsAction][] = v2Routes.map((r) => {
  const http = v2Actions.find(([name]) => name === r.action)![1];
  if (r.action === "V2.GetApis") return [r.action, (c) => getApisOfBothKinds(http, c)];
  const wsAction = wsByShape.get(shape(r));
  const ws = wsAction ? wsHandlers.get(wsAction) : undefined;
  if (!ws) return [r.action, http];
  return [r.action, async (c) => ((await ownsWsCall(c)) ? ws({ ...c, action: wsAction! }) : http(c))];
});

const wsOnlyRoutes = wsV2Routes.filter((r) => !httpShapes.has(shape(r)));

export const apigatewayV2Routes: RestJsonRoute[] = [...v2Routes, ...wsOnlyRoutes];
export const apigatewayV2Actions: [string, AwsAction][] = [
  ...shared,
  ...wsOnlyRoutes.map((r): [string, AwsAction] => [r.action, wsHandlers.get(r.action)!]),
];
