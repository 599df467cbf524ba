import { z } from "zod";
import { defineRoute, type RestRoute } from "./route";
import { whoamiRoutes } from "./whoami.routes";
import { topicRoutes } from "./topics.routes";
import { queueRoutes } from "./queues.routes";
import { eventRoutes } from "./events.routes";
import { eventSourceRoutes } from "./event-sources.routes";
import { functionRoutes } from "./functions.routes";
import { workflowRoutes } from "./workflows.routes";
import { apiRoutes } from "./apis.routes";
import { buildOpenApi } from "./openapi";

// Every REST route: one line per domain.
const domainRoutes: RestRoute[] = [
  ...whoamiRoutes,
  ...topicRoutes,
  ...queueRoutes,
  ...eventRoutes,
  ...eventSourceRoutes,
  ...functionRoutes,
  ...workflowRoutes,
  ...apiRoutes,
];

export const REST_ROUTES: RestRoute[] = [
  ...domainRoutes,
  defineRoute({
    method: "GET",
    path: "/api/v1/openapi.json",
    tag: "meta",
    summary: "This document.",
    public: true,
    response: z.any(),
    handler: async (ctx) => buildOpenApi(domainRoutes, ctx.baseUrl),
  }),
];
