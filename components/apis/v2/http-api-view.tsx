"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import {
  Alert,
  Button,
  ConfirmDialog,
  CopyField,
  LoadingBlock,
  PageHeader,
  Tabs,
  errorMessageOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { HttpAuthorizersPanel } from "./http-authorizers";
import { HttpCorsPanel } from "./http-cors";
import { HttpIntegrationsPanel } from "./http-integrations";
import { HttpRoutesPanel } from "./http-routes";
import { HttpStagesPanel } from "./http-stages";
import { ApiMetricsPanel } from "../metrics/api-metrics-panel";
import { ApiAccessLogPanel } from "../metrics/api-access-log-panel";
import { rememberTab } from "./shared";

const TABS = ["routes", "integrations", "authorizers", "cors", "stages", "metrics", "access-log"] as const;
type Tab = (typeof TABS)[number];

/** /t/<slug>/apis/http/<id>: an HTTP API's routes, integrations, authorizers, CORS and stages. */
export function HttpApiView({ apiId, initialTab }: { apiId: string; initialTab?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can } = usePermissions();
  const write = can("resource:write");
  const [tab, setTab] = useState<Tab>(TABS.includes(initialTab as Tab) ? (initialTab as Tab) : "routes");
  const [deleting, setDeleting] = useState(false);
  const api = useQuery(trpc.apis.v2.http.queryOptions({ tenant: tenant.slug, apiId }));
  const del = useMutation(
    trpc.apis.v2.removeHttp.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.list.pathKey() });
        toast("API deleted");
        router.push(tenantPath(tenant.slug, "apis"));
      },
    }),
  );
  if (api.isPending) return <LoadingBlock />;
  if (api.error)
    return (
      <Alert tone="danger" title="Could not load the API">
        {api.error.message}
      </Alert>
    );
  const a = api.data;
  const props = { tenant: tenant.slug, api: a, canWrite: write };
  return (
    <div>
      <PageHeader
        eyebrow="HTTP API"
        title={a.name}
        description={
          <>
            <span className="font-mono">{a.id}</span>
            {a.description ? ` · ${a.description}` : ""}
          </>
        }
        actions={
          write && (
            <Button variant="secondary" onClick={() => setDeleting(true)}>
              <Trash2 className="h-4 w-4" aria-hidden />
              Delete
            </Button>
          )
        }
      />
      <div className="mb-5 max-w-2xl">
        <CopyField label="API endpoint" value={a.endpoint} id="api-endpoint" />
      </div>
      <Tabs
        value={tab}
        onChange={(t) => (setTab(t as Tab), rememberTab(t, "routes"))}
        items={[
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
        ]}
      />
      <ConfirmDialog
        open={deleting}
        onClose={() => (del.reset(), setDeleting(false))}
        onConfirm={() => del.mutate({ tenant: tenant.slug, apiId })}
        title={`Delete API “${a.name}”?`}
        confirmLabel="Delete API"
        loading={del.isPending}
        error={errorMessageOf(del.error)}
      >
        Its routes, integrations, authorizers, stages and deployments go with it; its endpoint answers 404.
      </ConfirmDialog>
    </div>
  );
}
