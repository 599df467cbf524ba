import type { GatewayPipeline } from "../../domains/apis/test-invoke";
import { serveRequest } from "./gateway";
import { integrationBody } from "./integrations";
import { readQuery } from "./request";

/**
 * The execute-api pipeline as the apis domain's TestInvokeMethod use case receives it: handed over
 * by the doors that call it (the AWS door, and the console through its tRPC context), since the
 * domain cannot import the gateway that imports it.
 */
export const gatewayPipeline: GatewayPipeline = { serve: serveRequest, integrationBody, readQuery };
