import type { AwsAction, RestJsonRoute } from "../types";

// API Gateway v1's API keys, usage plans and usage (/apikeys, /usageplans, ...): routes and actions
// the apigateway service (apigateway.service.ts) spreads in.
export const usageRoutes: RestJsonRoute[] = [];
export const usageActions: [string, AwsAction][] = [];
