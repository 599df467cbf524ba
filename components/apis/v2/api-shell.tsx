"use client";
import { useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Network, Trash2 } from "lucide-react";
import {
  Button,
  ConfirmDialog,
  CopyField,
  DetailShell,
  DetailStatus,
  errorMessageOf,
  useToast,
  type TabItem,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { ProtocolBadge } from "./shared";

// The page shell an HTTP API and a WebSocket API share: DetailStatus while loading / missing,
// then DetailShell (name, protocol badge, ARN, endpoint, Delete) with the page's tabs, and the
// delete confirmation (which leaves for the APIs list).

type Loaded = { id: string; name: string; description: string | null; endpoint: string };

export function V2ApiShell<T extends Loaded>({
  protocol,
  query,
  canWrite,
  tab,
  onTab,
  tabs,
  above,
  deleteNote,
}: {
  protocol: "HTTP" | "WEBSOCKET";
  query: { data?: T; error: { message: string; data?: { code?: string } | null } | null };
  canWrite: boolean;
  tab: string;
  onTab: (id: string) => void;
  /** The page's tabs, once the API is loaded. */
  tabs: (api: T) => TabItem[];
  /** Settings shown under the endpoint, above the tabs. */
  above?: (api: T) => ReactNode;
  deleteNote: ReactNode;
}) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation(
    (protocol === "HTTP" ? trpc.apis.v2.removeHttp : trpc.apis.v2.removeWs).mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.list.pathKey() });
        toast("API deleted");
        router.push(tenantPath(tenant.slug, "apis"));
      },
    }),
  );
  const back = { href: tenantPath(tenant.slug, "apis"), label: "All APIs" };
  const a = query.data;
  if (!a)
    return (
      <DetailStatus
        back={back}
        error={query.error}
        notFound={{ icon: <Network className="h-5 w-5" aria-hidden />, title: "API not found", allLabel: "All APIs" }}
        errorTitle="Could not load the API"
      />
    );
  return (
    <DetailShell
      back={back}
      title={a.name}
      badges={<ProtocolBadge protocol={protocol} />}
      description={a.description ?? undefined}
      arn={`arn:aws:apigateway:${tenant.region}::/apis/${a.id}`}
      arnTestId="api-arn"
      below={
        <div className="mt-4 max-w-2xl space-y-4">
          <CopyField
            label={protocol === "HTTP" ? "API endpoint" : "WebSocket endpoint"}
            value={a.endpoint}
            id="api-endpoint"
          />
          {above?.(a)}
        </div>
      }
      actions={
        canWrite && (
          <Button variant="secondary" onClick={() => setDeleting(true)}>
            <Trash2 className="h-4 w-4" aria-hidden />
            Delete
          </Button>
        )
      }
      tabs={{ value: tab, onChange: onTab, items: tabs(a) }}
    >
      <ConfirmDialog
        open={deleting}
        onClose={() => (remove.reset(), setDeleting(false))}
        onConfirm={() => remove.mutate({ tenant: tenant.slug, apiId: a.id })}
        title={`Delete API “${a.name}”?`}
        confirmLabel="Delete API"
        loading={remove.isPending}
        error={errorMessageOf(remove.error)}
      >
        {deleteNote}
      </ConfirmDialog>
    </DetailShell>
  );
}
