"use client";
import { useState } from "react";
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ArrowRight, Radio, RefreshCw, Search, Send, X } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  CodeBlock,
  EmptyState,
  Input,
  LoadingBlock,
  RelativeTime,
  Select,
  Table,
  TableEmptyRow,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  cn,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { ruleHref } from "./rules-tab";
import type { EventDetail, InvocationView } from "./types";

const WINDOWS = [
  { id: "15m", label: "Last 15 minutes", ms: 15 * 60_000 },
  { id: "1h", label: "Last hour", ms: 3600_000 },
  { id: "24h", label: "Last 24 hours", ms: 24 * 3600_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 24 * 3600_000 },
  { id: "all", label: "Any time", ms: 0 },
] as const;
type WindowId = (typeof WINDOWS)[number]["id"];

type Filters = { source: string; detailType: string; id: string; window: WindowId };

const OUTCOME_TONE = { succeeded: "success", failed: "danger", dlq: "danger", skipped: "neutral" } as const;
const STATUS_TONE: Record<string, "success" | "danger" | "warning" | "neutral" | "info"> = {
  succeeded: "success",
  failed: "danger",
  dlq: "danger",
  retrying: "warning",
  pending: "info",
};

/**
 * Recent events of the bus, searchable by source, detail type, id and time; one event opens its
 * path: the rules it matched and every target attempt with its outcome.
 */
export function ExplorerTab({
  tenant,
  bus,
  eventId,
  onEventId,
  onSend,
}: {
  tenant: string;
  bus: string;
  eventId: string;
  onEventId: (id: string) => void;
  onSend?: () => void;
}) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filters>({ source: "", detailType: "", id: "", window: "24h" });
  const [filters, setFilters] = useState<Filters>(draft);
  const [now, setNow] = useState(() => Date.now());
  // Older pages are pinned (no refresh) so they do not shift under the reader.
  const [cursor, setCursor] = useState<string | null>(null);
  const win = WINDOWS.find((w) => w.id === filters.window)!;
  const events = useQuery({
    ...trpc.events.events.queryOptions({
      tenant,
      bus,
      source: filters.source || null,
      detailType: filters.detailType || null,
      id: filters.id || null,
      from: win.ms ? new Date(now - win.ms) : null,
      cursor,
      limit: 50,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: cursor ? false : 5000,
  });
  const anyFilter = !!(filters.source || filters.detailType || filters.id);
  const older = events.data?.nextCursor ?? null;
  return (
    <div className="space-y-4">
      {eventId && <EventPath tenant={tenant} bus={bus} id={eventId} onClose={() => onEventId("")} />}
      <form
        className="grid items-end gap-2 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.3fr)_10rem_auto_auto]"
        aria-label="Search events"
        onSubmit={(e) => {
          e.preventDefault();
          setNow(Date.now());
          setCursor(null);
          setFilters(draft);
        }}
      >
        <div className="min-w-0">
          <Input
            aria-label="Source"
            placeholder="Source"
            value={draft.source}
            onChange={(e) => setDraft({ ...draft, source: e.target.value })}
          />
        </div>
        <div className="min-w-0">
          <Input
            aria-label="Detail type"
            placeholder="Detail type"
            value={draft.detailType}
            onChange={(e) => setDraft({ ...draft, detailType: e.target.value })}
          />
        </div>
        <div className="min-w-0">
          <Input
            aria-label="Event id"
            placeholder="Event id"
            className="font-mono"
            value={draft.id}
            onChange={(e) => setDraft({ ...draft, id: e.target.value })}
          />
        </div>
        <div className="min-w-0">
          <Select
            aria-label="Time"
            value={draft.window}
            onChange={(e) => setDraft({ ...draft, window: e.target.value as WindowId })}
          >
            {WINDOWS.map((w) => (
              <option key={w.id} value={w.id}>
                {w.label}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" variant="secondary">
          <Search className="h-4 w-4" aria-hidden />
          Search
        </Button>
        {anyFilter && (
          <Button
            variant="ghost"
            onClick={() => {
              const cleared = { source: "", detailType: "", id: "", window: draft.window };
              setDraft(cleared);
              setCursor(null);
              setFilters(cleared);
            }}
          >
            Clear
          </Button>
        )}
      </form>
      <p className="-mt-2 flex items-center gap-1.5 text-xs text-gray-500">
        <RefreshCw className={cn("h-3.5 w-3.5", events.isFetching && "animate-spin")} aria-hidden />
        {cursor ? "Older events, newest first" : "Newest first, refreshed every 5 seconds"}
        {events.data ? ` · ${events.data.items.length}${events.data.nextCursor ? "+" : ""} shown` : ""}
      </p>
      {events.isPending ? (
        <LoadingBlock />
      ) : events.error ? (
        <Alert tone="danger" title="Could not load events">
          {events.error.message}
        </Alert>
      ) : events.data.items.length === 0 && !anyFilter ? (
        <EmptyState
          icon={<Radio className="h-5 w-5" aria-hidden />}
          title="No events in this window"
          description="Events put on this bus (PutEvents from the SDK, the REST door, event sources, schedules or the console) show here with the rules they matched and what became of each target."
          action={
            onSend && (
              <Button onClick={onSend}>
                <Send className="h-4 w-4" aria-hidden />
                Send event
              </Button>
            )
          }
        />
      ) : (
        <Table aria-label="Events">
          <THead>
            <tr>
              <Th>Time</Th>
              <Th>Source</Th>
              <Th>Detail type</Th>
              <Th>Rules matched</Th>
              <Th>Target deliveries</Th>
              <Th className="hidden xl:table-cell">Event id</Th>
            </tr>
          </THead>
          <TBody>
            {events.data.items.length === 0 ? (
              <TableEmptyRow colSpan={6}>No event matches these filters in this window.</TableEmptyRow>
            ) : (
              events.data.items.map((e) => (
                <Tr
                  key={e.id}
                  className={cn("cursor-pointer", e.id === eventId && "bg-accent-50/60")}
                  onClick={() => onEventId(e.id)}
                  data-testid="event-row"
                >
                  <Td className="whitespace-nowrap">
                    <RelativeTime date={e.ingestedAt} />
                  </Td>
                  <Td className="max-w-[12rem] truncate font-mono text-xs">{e.source}</Td>
                  <Td className="max-w-[12rem] truncate">{e.detailType}</Td>
                  <Td className="tabular-nums">{e.matchedRules}</Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      <Badge tone={e.invocations ? "neutral" : "neutral"}>{e.invocations} sent</Badge>
                      {e.failed > 0 && <Badge tone="danger">{e.failed} failed</Badge>}
                    </div>
                  </Td>
                  <Td className="hidden font-mono text-xs text-gray-500 xl:table-cell">{e.id}</Td>
                </Tr>
              ))
            )}
          </TBody>
        </Table>
      )}
      {events.data && (cursor || older) && (
        <div className="flex justify-end gap-2">
          {cursor && (
            <Button size="sm" variant="secondary" onClick={() => setCursor(null)}>
              Newest events
            </Button>
          )}
          {older && (
            <Button size="sm" variant="secondary" onClick={() => setCursor(older)}>
              Older events
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

/** One event's path: envelope → matched rules → target attempts. */
function EventPath({ tenant, bus, id, onClose }: { tenant: string; bus: string; id: string; onClose: () => void }) {
  const trpc = useTRPC();
  const { slug } = useCurrentTenant();
  const q = useQuery({
    ...trpc.events.event.queryOptions({ tenant, bus, id }),
    // Deliveries settle within seconds: follow them until none is pending.
    refetchInterval: (query) => {
      const d = query.state.data as EventDetail | undefined;
      return !d || d.invocations.some((i) => i.status === "pending" || i.status === "retrying") ? 2000 : false;
    },
  });
  return (
    <Card data-testid="event-path">
      <CardHeader
        title={<span className="font-mono text-sm">Event {id}</span>}
        description={q.data ? `${q.data.source} · ${q.data.detailType}` : undefined}
        actions={
          <Button size="sm" variant="ghost" onClick={onClose} aria-label="Close event">
            <X className="h-4 w-4" aria-hidden />
          </Button>
        }
      />
      <CardBody>
        {q.isPending ? (
          <LoadingBlock />
        ) : q.error ? (
          <Alert tone={q.error.data?.code === "NOT_FOUND" ? "warning" : "danger"}>
            {q.error.data?.code === "NOT_FOUND" ? `No event ${id} on this bus.` : q.error.message}
          </Alert>
        ) : (
          <div className="grid gap-5 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
            <CodeBlock
              title="Envelope"
              code={JSON.stringify(q.data.envelope, null, 2)}
              className="max-h-96 overflow-auto"
            />
            <div className="min-w-0 space-y-3">
              <h3 className="text-sm font-medium text-gray-900">
                Matched {q.data.matched.length} {q.data.matched.length === 1 ? "rule" : "rules"}
              </h3>
              {q.data.matched.length === 0 && (
                <p className="text-sm text-gray-500">No enabled rule of this bus matched the event when it arrived.</p>
              )}
              {q.data.matched.map((m) => (
                <div key={m.ruleArn} className="rounded-lg border border-gray-200" data-testid="matched-rule">
                  <div className="flex items-center justify-between gap-2 border-b border-gray-100 px-3 py-2">
                    <Link
                      href={ruleHref(slug, bus, m.ruleName)}
                      className="truncate text-sm font-medium text-accent-700 hover:underline"
                    >
                      {m.ruleName}
                    </Link>
                    <Link
                      href={`${tenantPath(slug, "deliveries")}?source=${encodeURIComponent(m.ruleArn)}`}
                      className="inline-flex shrink-0 items-center gap-1 text-xs text-gray-500 hover:text-gray-800"
                    >
                      Deliveries dashboard
                      <ArrowRight className="h-3 w-3" aria-hidden />
                    </Link>
                  </div>
                  <Invocations items={q.data.invocations.filter((i) => i.ruleArn === m.ruleArn)} />
                </div>
              ))}
            </div>
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function Invocations({ items }: { items: InvocationView[] }) {
  if (items.length === 0) return <p className="px-3 py-2 text-xs text-gray-500">The rule had no targets.</p>;
  return (
    <ul className="divide-y divide-gray-100">
      {items.map((inv) => (
        <li key={inv.deliveryId} className="px-3 py-2" data-testid="target-invocation">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span className="min-w-0 truncate text-sm text-gray-800" title={inv.targetArn}>
              <span className="font-medium">{inv.targetId ?? inv.targetKind}</span>
              <span className="ml-1 text-xs text-gray-500">
                → {inv.targetKind} <span className="font-mono">{inv.targetArn.split(":").slice(-1)[0]}</span>
              </span>
            </span>
            <span data-testid="invocation-status">
              <Badge tone={STATUS_TONE[inv.status] ?? "neutral"}>{inv.status}</Badge>
            </span>
          </div>
          {inv.attempts.length > 0 && (
            <ol className="mt-1 space-y-0.5 text-xs text-gray-600">
              {inv.attempts.map((a) => (
                <li key={a.id} className="flex flex-wrap items-center gap-2" data-testid="invocation-attempt">
                  <span className="tabular-nums">Attempt {a.attemptNumber}</span>
                  <Badge tone={OUTCOME_TONE[a.outcome]}>{a.outcome}</Badge>
                  <RelativeTime date={a.startedAt} />
                  {a.durationMs != null && <span className="tabular-nums">{a.durationMs} ms</span>}
                  {a.error && <span className="truncate text-red-700">{a.error}</span>}
                </li>
              ))}
            </ol>
          )}
        </li>
      ))}
    </ul>
  );
}
