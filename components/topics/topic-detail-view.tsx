"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Megaphone, Settings2, Trash2 } from "lucide-react";
import { Badge, Button, ConfirmDialog, DetailShell, DetailStatus, useTabParam, useToast } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { DeliveriesDashboard } from "@/components/deliveries/deliveries-dashboard";
import { topicArnFor } from "./topic-name";
import { SubscriptionsTab } from "./subscriptions-tab";
import { PublishTab } from "./publish-tab";
import { CodeTab } from "./code-tab";
import { TopicSettingsDialog } from "./topic-settings-dialog";

const TABS = ["subscriptions", "publish", "deliveries", "code"] as const;

/** /t/<slug>/topics/<name>: one topic, its subscriptions, publishing, deliveries and code. */
export function TopicDetailView({
  name,
  initialTab,
  initialSubscriptionId,
}: {
  name: string;
  initialTab?: string;
  initialSubscriptionId: string | null;
}) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can } = usePermissions();
  const write = can("resource:write");
  const arn = topicArnFor(tenant.region, tenant.accountId, name);
  const topic = useQuery(trpc.topic.get.queryOptions({ tenant: tenant.slug, id: arn }));
  // Same query as the Subscriptions tab (shared cache, which polls while any is pending), so the
  // counts follow confirmations without a reload.
  const subs = useQuery({
    ...trpc.topic.subscriptions.queryOptions({ tenant: tenant.slug, topicId: topic.data?.id }),
    enabled: !!topic.data,
  });
  const counts = subs.data && {
    total: subs.data.length,
    confirmed: subs.data.filter((s) => s.status === "confirmed" && !s.disabledAt).length,
    pending: subs.data.filter((s) => s.status !== "confirmed" && !s.disabledAt).length,
    disabled: subs.data.filter((s) => s.disabledAt).length,
  };
  const [tab, switchTab] = useTabParam(TABS, initialTab, () => ["subscription"]);
  const [deliveryScope, setDeliveryScope] = useState<{ subscriptionId: string | null; messageId: string }>({
    subscriptionId: initialSubscriptionId,
    messageId: "",
  });
  const [deleting, setDeleting] = useState(false);
  const [editing, setEditing] = useState(false);
  const del = useMutation(
    trpc.topic.delete.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.topic.list.pathKey() });
        toast(`Topic “${name}” deleted`);
        router.push(tenantPath(tenant.slug, "topics"));
      },
    }),
  );
  const showDeliveries = (scope: { subscriptionId?: string | null; messageId?: string }) => {
    setDeliveryScope({ subscriptionId: scope.subscriptionId ?? null, messageId: scope.messageId ?? "" });
    switchTab("deliveries");
  };

  const back = { href: tenantPath(tenant.slug, "topics"), label: "Topics" };
  if (topic.isPending || topic.error)
    return (
      <DetailStatus
        back={back}
        error={topic.error}
        notFound={{
          icon: <Megaphone className="h-5 w-5" aria-hidden />,
          title: `There is no topic “${name}”`,
          allLabel: "All topics",
        }}
        errorTitle="Could not load the topic"
      />
    );
  const t = topic.data;
  return (
    <DetailShell
      back={back}
      title={t.name}
      badges={
        <>
          <Badge tone={t.fifo ? "accent" : "neutral"}>{t.fifo ? "FIFO" : "Standard"}</Badge>
          {t.fifo && t.contentBasedDeduplication && <Badge tone="info">Content-based dedup</Badge>}
        </>
      }
      description={t.displayName && `Display name: ${t.displayName}`}
      arn={t.arn}
      arnTestId="topic-arn"
      below={
        counts && (
          <p className="mt-2 text-xs text-gray-500" data-testid="topic-counts">
            Subscriptions: {counts.confirmed} confirmed · {counts.pending} pending
            {counts.disabled ? ` · ${counts.disabled} disabled` : ""}
          </p>
        )
      }
      actions={
        write && (
          <>
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              <Settings2 className="h-4 w-4" aria-hidden />
              Settings
            </Button>
            <Button
              variant="ghost"
              size="sm"
              className="text-red-600 hover:bg-red-50"
              onClick={() => setDeleting(true)}
            >
              <Trash2 className="h-4 w-4" aria-hidden />
              Delete topic
            </Button>
          </>
        )
      }
      tabs={{
        value: tab,
        onChange: switchTab,
        items: [
          {
            id: "subscriptions",
            label: "Subscriptions",
            content: (
              <SubscriptionsTab
                tenant={tenant.slug}
                topic={t}
                canWrite={write}
                onShowDeliveries={(id) => showDeliveries({ subscriptionId: id })}
              />
            ),
          },
          {
            id: "publish",
            label: "Publish",
            content: (
              <PublishTab
                tenant={tenant.slug}
                topic={t}
                canWrite={write}
                onShowDeliveries={(messageId) => showDeliveries({ messageId })}
              />
            ),
          },
          {
            id: "deliveries",
            label: "Deliveries",
            content: (
              <DeliveriesDashboard
                tenant={tenant.slug}
                topicId={t.id}
                initialSubscriptionId={deliveryScope.subscriptionId}
                initialMessageId={deliveryScope.messageId}
              />
            ),
          },
          { id: "code", label: "Code", content: <CodeTab topic={t} region={tenant.region} /> },
        ],
      }}
    >
      {write && <TopicSettingsDialog open={editing} onClose={() => setEditing(false)} tenant={tenant.slug} topic={t} />}
      <ConfirmDialog
        open={deleting}
        onClose={() => {
          del.reset();
          setDeleting(false);
        }}
        onConfirm={() => del.mutate({ tenant: tenant.slug, id: t.id })}
        loading={del.isPending}
        title={`Delete “${t.name}”?`}
        confirmLabel="Delete topic"
        error={del.error?.message}
      >
        <p>
          Its subscriptions are deleted with it and publishing to its ARN fails from now on. Messages already delivered
          stay where they are.
        </p>
      </ConfirmDialog>
    </DetailShell>
  );
}
