"use client";
import { useQuery } from "@tanstack/react-query";
import { useTabParam } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { HttpAuthorizersPanel } from "./http-authorizers";
import { HttpCorsPanel } from "./http-cors";
import { HttpIntegrationsPanel } from "./http-integrations";
import { HttpRoutesPanel } from "./http-routes";
import { HttpStagesPanel } from "./http-stages";
import { ApiMetricsPanel } from "../metrics/api-metrics-panel";
import { ApiAccessLogPanel } from "../metrics/api-access-log-panel";
import { V2ApiShell } from "./api-shell";

const TABS = ["routes", "integrations", "authorizers", "cors", "stages", "metrics", "access-log"] as const;

/** /t/<slug>/apis/http/<id>: an HTTP API's routes, integrations, authorizers, CORS and stages. */
export function HttpApiView({ apiId, initialTab }: { apiId: string; initialTab?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const write = usePermissions().can("resource:write");
  const [tab, setTab] = useTabParam(TABS, initialTab);
  const api = useQuery(trpc.apis.v2.http.queryOptions({ tenant: tenant.slug, apiId }));
  return (
    <V2ApiShell
      protocol="HTTP"
      query={api}
      canWrite={write}
      deleteNote="Its routes, integrations, authorizers, stages and deployments go with it; its endpoint answers 404."
      tab={tab}
      onTab={setTab}
      tabs={(a) => {
        const props = { tenant: tenant.slug, api: a, canWrite: write };
        return [
          { id: "routes", label: `Routes (${a.routes.length})`, content: <HttpRoutesPanel {...props} /> },
          {
            id: "integrations",
            label: `Integrations (${a.integrations.length})`,
            content: <HttpIntegrationsPanel {...props} />,
          },
          {
            id: "authorizers",
            label: `Authorizers (${a.authorizers.length})`,
            content: <HttpAuthorizersPanel {...props} />,
          },
          { id: "cors", label: "CORS", content: <HttpCorsPanel key={JSON.stringify(a.cors)} {...props} /> },
          { id: "stages", label: `Stages (${a.stages.length})`, content: <HttpStagesPanel {...props} /> },
          {
            id: "metrics",
            label: "Metrics",
            content: <ApiMetricsPanel tenant={tenant.slug} apiId={a.id} stages={a.stages.map((s) => s.stageName)} />,
          },
          {
            id: "access-log",
            label: "Access log",
            content: <ApiAccessLogPanel tenant={tenant.slug} apiId={a.id} stages={a.stages.map((s) => s.stageName)} />,
          },
        ];
      }}
    />
  );
}
