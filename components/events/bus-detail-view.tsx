"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Network, Send, Trash2 } from "lucide-react";
import { Badge, Button, ConfirmDialog, DetailShell, DetailStatus, useTabParam, useToast } from "@/components/ui";
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
  const [tab, switchTab] = useTabParam(TABS, initialTab, (id) => (id !== "events" ? ["event"] : []));
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
  const follow = (id: string) => {
    setEventId(id);
    setSending(false);
    switchTab("events");
    const url = new URL(window.location.href);
    url.searchParams.set("event", id);
    window.history.replaceState(null, "", url.toString());
  };

  const back = { href: tenantPath(tenant.slug, "event-buses"), label: "Event buses" };
  if (bus.isPending || bus.error)
    return (
      <DetailStatus
        back={back}
        error={bus.error}
        notFound={{
          icon: <Network className="h-5 w-5" aria-hidden />,
          title: `There is no event bus “${name}”`,
          allLabel: "All event buses",
        }}
        errorTitle="Could not load the event bus"
      />
    );
  const b = bus.data;
  return (
    <DetailShell
      back={back}
      title={b.name}
      badges={
        <>
          {b.name === "default" && <Badge>Default bus</Badge>}
          {b.policy && <Badge tone="info">Resource policy</Badge>}
        </>
      }
      description={b.description}
      arn={b.arn}
      arnTestId="bus-arn"
      actions={
        write && (
          <>
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
          </>
        )
      }
      tabs={{
        value: tab,
        onChange: switchTab,
        items: [
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
        ],
      }}
    >
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
    </DetailShell>
  );
}
