import type { RouterOutputs } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";

// The APIs router's output shapes (server/domains/apis/apis.console*.ts).
export type ApiSummary = RouterOutputs["apis"]["list"][number];
export type ApiDetail = RouterOutputs["apis"]["get"];
export type ResourceView = ApiDetail["resources"][number];
export type MethodView = ResourceView["methods"][number];
export type StageView = ApiDetail["stages"][number];
export type TestResult = RouterOutputs["apis"]["testInvoke"];
export type KeyView = RouterOutputs["apis"]["keys"][number];
export type PlanView = RouterOutputs["apis"]["plans"][number];

export const apiHref = (slug: string, apiId: string, tab?: string) =>
  tenantPath(slug, "apis", encodeURIComponent(apiId)) + (tab ? `?tab=${tab}` : "");
