"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Network, Send, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  ConfirmDialog,
  CopyButton,
  EmptyState,
  LoadingBlock,
  Tabs,
  buttonClasses,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { RulesTab } from "./rules-tab";
import { ExplorerTab } from "./explorer-tab";
import { PermissionsTab } from "./permissions-tab";
import { SendEventDialog } from "./send-event-dialog";
import { SourcesTab } from "./sources-tab";
import { ArchivesTab } from "./archives-tab";
import { SchemasTab } from "./schemas-tab";

const TABS = ["rules", "events", "archives", "schemas", "sources", "permissions"] as const;
type TabId = (typeof TABS)[number];

/** /t/<slug>/event-buses/<name>: one bus, its rules, its events and everything around them. */
export function BusDetailView({
  name,
  initialTab,
  initialEventId,
}: {
  name: string;
  initialTab?: string;
  initialEventId?: string;
}) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can } = usePermissions();
  const write = can("resource:write");
  const bus = useQuery(trpc.events.bus.queryOptions({ tenant: tenant.slug, bus: name }));
  const [tab, setTab] = useState<TabId>(TABS.includes(initialTab as TabId) ? (initialTab as TabId) : "rules");
  const [eventId, setEventId] = useState(initialEventId ?? "");
  const [sending, setSending] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const del = useMutation(
    trpc.events.deleteBus.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.events.buses.pathKey() });
        toast(`Event bus “${name}” deleted`);
        router.push(tenantPath(tenant.slug, "event-buses"));
      },
    }),
  );
  const switchTab = (id: string) => {
    setTab(id as TabId);
    const url = new URL(window.location.href);
    url.searchParams.set("tab", id);
    if (id !== "events") url.searchParams.delete("event");
    window.history.replaceState(null, "", url.toString());
  };
  const follow = (id: string) => {
    setEventId(id);
    setSending(false);
    switchTab("events");
    const url = new URL(window.location.href);
    url.searchParams.set("event", id);
    window.history.replaceState(null, "", url.toString());
  };

  const back = (
    <Link
      href={tenantPath(tenant.slug, "event-buses")}
      className="mb-3 inline-flex items-center gap-1 text-sm text-gray-500 hover:text-gray-800"
    >
      <ArrowLeft className="h-4 w-4" aria-hidden />
      Event buses
    </Link>
  );
  if (bus.isPending)
    return (
      <div>
        {back}
        <LoadingBlock />
      </div>
    );
  if (bus.error)
    return (
      <div>
        {back}
        {bus.error.data?.code === "NOT_FOUND" ? (
          <EmptyState
            icon={<Network className="h-5 w-5" aria-hidden />}
            title={`There is no event bus “${name}”`}
            description="It may have been deleted, or the link has a typo."
            action={
              <Link href={tenantPath(tenant.slug, "event-buses")} className={buttonClasses("secondary")}>
                All event buses
              </Link>
            }
          />
        ) : (
          <Alert tone="danger" title="Could not load the event bus">
            {bus.error.message}
          </Alert>
        )}
      </div>
    );
  const b = bus.data;
  return (
    <div>
      {back}
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="min-w-0 text-2xl font-semibold tracking-tight break-all text-gray-900">{b.name}</h1>
            {b.name === "default" && <Badge>Default bus</Badge>}
            {b.policy && <Badge tone="info">Resource policy</Badge>}
          </div>
          {b.description && <p className="mt-1 text-sm text-gray-500">{b.description}</p>}
          <div className="mt-3 flex max-w-full flex-wrap items-center gap-2">
            <code
              className="max-w-full min-w-0 rounded-md border border-gray-200 bg-gray-50 px-2.5 py-1.5 font-mono text-xs break-all text-gray-800 select-all sm:truncate"
              title={b.arn}
              data-testid="bus-arn"
            >
              {b.arn}
            </code>
            <CopyButton value={b.arn} label="Copy ARN" />
          </div>
        </div>
        {write && (
          <div className="flex flex-wrap gap-2">
            <Button size="sm" onClick={() => setSending(true)}>
              <Send className="h-4 w-4" aria-hidden />
              Send event
            </Button>
            {b.name !== "default" && (
              <Button
                variant="ghost"
                size="sm"
                className="text-red-600 hover:bg-red-50"
                onClick={() => setDeleting(true)}
              >
                <Trash2 className="h-4 w-4" aria-hidden />
                Delete bus
              </Button>
            )}
          </div>
        )}
      </div>
      <Tabs
        value={tab}
        onChange={switchTab}
        items={[
          { id: "rules", label: "Rules", content: <RulesTab tenant={tenant.slug} bus={b.name} canWrite={write} /> },
          {
            id: "events",
            label: "Events explorer",
            content: (
              <ExplorerTab
                tenant={tenant.slug}
                bus={b.name}
                eventId={eventId}
                onEventId={setEventId}
                onSend={write ? () => setSending(true) : undefined}
              />
            ),
          },
          {
            id: "archives",
            label: "Archives & replays",
            content: <ArchivesTab tenant={tenant.slug} bus={b.name} canWrite={write} />,
          },
          {
            id: "schemas",
            label: "Schemas",
            content: <SchemasTab tenant={tenant.slug} bus={b.name} canWrite={write} />,
          },
          {
            id: "sources",
            label: "Sources",
            content: <SourcesTab tenant={tenant.slug} bus={b.name} canWrite={write} />,
          },
          {
            id: "permissions",
            label: "Permissions",
            content: <PermissionsTab tenant={tenant.slug} bus={b} canWrite={write} />,
          },
        ]}
      />
      {write && (
        <SendEventDialog
          open={sending}
          onClose={() => setSending(false)}
          tenant={tenant.slug}
          bus={b.name}
          onFollow={follow}
        />
      )}
      <ConfirmDialog
        open={deleting}
        onClose={() => {
          del.reset();
          setDeleting(false);
        }}
        onConfirm={() => del.mutate({ tenant: tenant.slug, bus: b.name })}
        loading={del.isPending}
        title={`Delete “${b.name}”?`}
        confirmLabel="Delete event bus"
        error={del.error?.message}
      >
        <p>
          Its rules and their targets are deleted with it, and putting events on its ARN fails from now on. Deliveries
          already made stay where they are.
        </p>
      </ConfirmDialog>
    </div>
  );
}
