"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Network, Plus } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  LoadingBlock,
  MiddleTruncate,
  PageHeader,
  RelativeTime,
  SegmentedControl,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { CreateBusDialog } from "./create-bus-dialog";
import { SchedulesView } from "./schedules-view";
import { ConnectionsView } from "./connections-view";

type View = "buses" | "schedules" | "connections";
const VIEWS: View[] = ["buses", "schedules", "connections"];

export const busHref = (slug: string, bus: string, tab?: string) =>
  tenantPath(slug, "event-buses", encodeURIComponent(bus)) + (tab ? `?tab=${tab}` : "");

/**
 * /t/<slug>/event-buses: the team's buses (the default bus always first), (?view=schedules) its
 * schedules, and (?view=connections) its connections and API destinations.
 */
export function BusListView({ initialView = "buses" }: { initialView?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const router = useRouter();
  const { can, role } = usePermissions();
  const write = can("resource:write");
  const [creating, setCreating] = useState(false);
  const [view, setView] = useState<View>(VIEWS.includes(initialView as View) ? (initialView as View) : "buses");
  const switchView = (v: View) => {
    setView(v);
    const url = new URL(window.location.href);
    if (v !== "buses") url.searchParams.set("view", v);
    else url.searchParams.delete("view");
    window.history.replaceState(null, "", url.toString());
  };
  const buses = useQuery(trpc.events.buses.queryOptions({ tenant: tenant.slug }));
  const createButton = write && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create event bus
    </Button>
  );
  return (
    <div>
      <PageHeader
        title="Event buses"
        description="Route events between your apps and SaaS tools by pattern: rules send each matching event to queues, topics, other buses and functions. Works with the AWS EventBridge SDKs and CLI."
        actions={view === "buses" ? createButton : undefined}
      />
      <div className="mb-4">
        <SegmentedControl<View>
          label="Show"
          options={[
            { value: "buses", label: "Buses and rules" },
            { value: "schedules", label: "Schedules" },
            { value: "connections", label: "API destinations" },
          ]}
          value={view}
          onChange={switchView}
        />
      </div>
      {view === "schedules" ? (
        <SchedulesView tenant={tenant.slug} canWrite={write} />
      ) : view === "connections" ? (
        <ConnectionsView tenant={tenant.slug} canWrite={write} />
      ) : buses.isPending ? (
        <LoadingBlock />
      ) : buses.error ? (
        <Alert tone="danger" title="Could not load event buses">
          {buses.error.message}
        </Alert>
      ) : buses.data.length === 0 ? (
        <EmptyState
          icon={<Network className="h-5 w-5" aria-hidden />}
          title="No event buses yet"
          description="The default bus appears as soon as an event or a rule uses it. Create a custom bus to keep one app's events apart."
          action={createButton}
        />
      ) : (
        <div className="space-y-3">
          <Table aria-label="Event buses">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Rules</Th>
                <Th className="hidden md:table-cell">ARN</Th>
                <Th className="hidden lg:table-cell">Created</Th>
              </tr>
            </THead>
            <TBody>
              {buses.data.map((b) => (
                <Tr
                  key={b.arn}
                  className="cursor-pointer"
                  onClick={() => router.push(busHref(tenant.slug, b.name))}
                  data-testid={`bus-row-${b.name}`}
                >
                  <Td className="max-w-[14rem] sm:max-w-md">
                    <div className="flex items-center gap-2">
                      <Link
                        href={busHref(tenant.slug, b.name)}
                        className="truncate font-medium text-accent-700 hover:underline"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {b.name}
                      </Link>
                      {b.name === "default" && <Badge>Default</Badge>}
                      {b.policy && <Badge tone="info">Shared</Badge>}
                    </div>
                    {b.description && <div className="truncate text-xs text-gray-500">{b.description}</div>}
                  </Td>
                  <Td className="tabular-nums" data-testid="bus-rules">
                    {b.rules}
                  </Td>
                  <Td className="hidden max-w-xs font-mono text-xs text-gray-600 md:table-cell">
                    <MiddleTruncate value={b.arn} />
                  </Td>
                  <Td className="hidden lg:table-cell">
                    <RelativeTime date={b.createdAt} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {!write && (
            <p className="text-xs text-gray-500">
              Your role ({role}) can see buses, rules and events but not change them.
            </p>
          )}
        </div>
      )}
      {write && (
        <CreateBusDialog
          open={creating}
          onClose={() => setCreating(false)}
          tenant={tenant.slug}
          onCreated={(b) => (setCreating(false), router.push(busHref(tenant.slug, b.name)))}
        />
      )}
    </div>
  );
}
