"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Network, Rocket, Trash2 } from "lucide-react";
import {
  Button,
  ConfirmDialog,
  DetailShell,
  DetailStatus,
  errorMessageOf,
  useTabParam,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { DeployDialog } from "./deploy-dialog";
import { ResourcesTab } from "./resources-tab";
import { StagesTab } from "./stages-tab";
import { ApiMetricsPanel } from "./metrics/api-metrics-panel";
import { ApiAccessLogPanel } from "./metrics/api-access-log-panel";
import { PolicyTab } from "./policy-tab";
import { AuthorizersTab } from "./authorizers-tab";
import { ProtocolBadge } from "./v2/shared";

const TABS = ["resources", "authorizers", "stages", "policy", "metrics", "access-log"] as const;

/** /t/<slug>/apis/<id>: the resource tree and method editor, stages and deployments. */
export function ApiDetailView({ apiId, initialTab }: { apiId: string; initialTab?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can } = usePermissions();
  const write = can("resource:write");
  const [tab, switchTab] = useTabParam(TABS, initialTab);
  const [deploying, setDeploying] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const api = useQuery(trpc.apis.get.queryOptions({ tenant: tenant.slug, apiId }));
  const del = useMutation(
    trpc.apis.remove.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.list.pathKey() });
        toast("API deleted");
        router.push(tenantPath(tenant.slug, "apis"));
      },
    }),
  );
  const back = { href: tenantPath(tenant.slug, "apis"), label: "All APIs" };
  if (!api.data)
    return (
      <DetailStatus
        back={back}
        error={api.error}
        notFound={{ icon: <Network className="h-5 w-5" aria-hidden />, title: "API not found", allLabel: "All APIs" }}
        errorTitle="Could not load the API"
      />
    );
  const a = api.data;
  const stageNames = a.stages.map((s) => s.stageName);
  return (
    <DetailShell
      back={back}
      title={a.name}
      badges={<ProtocolBadge protocol="REST" />}
      description={a.description ?? undefined}
      arn={`arn:aws:apigateway:${tenant.region}::/restapis/${a.id}`}
      arnTestId="api-arn"
      actions={
        write && (
          <>
            <Button onClick={() => setDeploying(true)}>
              <Rocket className="h-4 w-4" aria-hidden />
              Deploy API
            </Button>
            <Button variant="secondary" onClick={() => setDeleting(true)}>
              <Trash2 className="h-4 w-4" aria-hidden />
              Delete
            </Button>
          </>
        )
      }
      tabs={{
        value: tab,
        onChange: switchTab,
        items: [
          {
            id: "resources",
            label: "Resources",
            content: <ResourcesTab tenant={tenant.slug} api={a} canWrite={write} />,
          },
          {
            id: "authorizers",
            label: `Authorizers (${a.authorizers.length})`,
            content: <AuthorizersTab tenant={tenant.slug} api={a} canWrite={write} />,
          },
          {
            id: "stages",
            label: `Stages (${a.stages.length})`,
            content: <StagesTab tenant={tenant.slug} api={a} canWrite={write} onDeploy={() => setDeploying(true)} />,
          },
          {
            id: "policy",
            label: "Resource policy",
            content: <PolicyTab tenant={tenant.slug} api={a} canWrite={write} />,
          },
          {
            id: "metrics",
            label: "Metrics",
            content: <ApiMetricsPanel tenant={tenant.slug} apiId={a.id} stages={stageNames} />,
          },
          {
            id: "access-log",
            label: "Access log",
            content: <ApiAccessLogPanel tenant={tenant.slug} apiId={a.id} stages={stageNames} />,
          },
        ],
      }}
    >
      {write && (
        <DeployDialog
          key={a.stages.map((s) => s.stageName).join()}
          open={deploying}
          onClose={() => setDeploying(false)}
          tenant={tenant.slug}
          api={a}
          onDeployed={() => (setDeploying(false), switchTab("stages"))}
        />
      )}
      <ConfirmDialog
        open={deleting}
        onClose={() => (del.reset(), setDeleting(false))}
        onConfirm={() => del.mutate({ tenant: tenant.slug, apiId })}
        title={`Delete API “${a.name}”?`}
        confirmLabel="Delete API"
        loading={del.isPending}
        error={errorMessageOf(del.error)}
      >
        Its resources, methods, stages and deployments go with it; every invoke URL answers 403.
      </ConfirmDialog>
    </DetailShell>
  );
}
