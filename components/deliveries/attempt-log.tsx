"use client";
import { useEffect, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChevronRight, X } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardHeader,
  Input,
  LoadingBlock,
  MiddleTruncate,
  RelativeTime,
  Select,
  Table,
  TableEmptyRow,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { OUTCOME_LABEL, OUTCOME_TONE, type AttemptOutcome, type AttemptRow, type SourceKind } from "./types";
import { formatMs } from "./time-range";

export type AttemptFilters = {
  outcome: "" | AttemptOutcome;
  statusCode: string;
  messageId: string;
  endpoint: string;
  text: string;
};
export const EMPTY_FILTERS: AttemptFilters = { outcome: "", statusCode: "", messageId: "", endpoint: "", text: "" };

type Named = { id: string; label: string };

/**
 * The attempt log: every try to deliver anything in the scope and time range, newest first, with
 * filters; a row opens its detail. Topic and subscription scope come from the dashboard's toolbar.
 */
/** An invocation's source as a reader names it: "rule orders", "schedule nightly". */
export function sourceLabel(a: { sourceKind?: string; sourceArn?: string | null }): string | null {
  if (!a.sourceKind || a.sourceKind === "topic") return null;
  const name = a.sourceArn?.split(/[:/]/).pop();
  return name ? `${a.sourceKind} ${name}` : a.sourceKind;
}

export function AttemptLog({
  tenant,
  from,
  to,
  topicId,
  subscriptionId,
  sourceKind = null,
  sourceArn = null,
  filters,
  onFiltersChange,
  topics,
  onOpen,
  live,
  title = "Attempt log",
}: {
  tenant: string;
  from: Date;
  to: Date;
  topicId: string | null;
  subscriptionId: string | null;
  /** Only attempts of this source kind (topic, rule, schedule, …). */
  sourceKind?: SourceKind | null;
  /** Only attempts of this source (one rule, schedule, topic …, by ARN). */
  sourceArn?: string | null;
  filters: AttemptFilters;
  onFiltersChange: (f: AttemptFilters) => void;
  topics?: Named[];
  onOpen: (id: string) => void;
  live: boolean;
  title?: string;
}) {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const code = /^\d{3}$/.test(filters.statusCode) ? Number(filters.statusCode) : null;
  // Typed searches ask the server once typing pauses, not on every key (payload search scans text).
  const messageId = useDebounced(filters.messageId.trim(), 300);
  const endpoint = useDebounced(filters.endpoint.trim(), 300);
  const text = useDebounced(filters.text.trim(), 300);
  const q = useQuery({
    ...trpc.delivery.attempts.queryOptions({
      tenant,
      topicId,
      subscriptionId,
      sourceKind,
      sourceArn,
      outcome: filters.outcome || null,
      statusCode: code,
      messageId: messageId || null,
      // One endpoint's log (endpoint view) has no use for an endpoint search.
      endpoint: subscriptionId ? null : endpoint || null,
      text: text || null,
      // A paged view is pinned to the newest page's end, so "older" pages do not shift under the reader.
      from,
      to: cursor ? null : to,
      cursor,
      limit: 25,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: live && !cursor ? 5000 : false,
  });
  const items = (q.data?.items ?? []) as AttemptRow[];
  const topicName = new Map((topics ?? []).map((t) => [t.id, t.label]));
  const subline = (a: AttemptRow) =>
    [
      a.protocol,
      a.topicId ? topicName.get(a.topicId) : sourceLabel(a),
      a.nextRetryAt && a.outcome === "failed" ? "retry scheduled" : null,
      a.error,
      a.messageId ? `msg ${a.messageId.slice(0, 8)}` : null,
    ]
      .filter(Boolean)
      .join(" · ");
  const set = (patch: Partial<AttemptFilters>) => {
    setCursors([]);
    onFiltersChange({ ...filters, ...patch });
  };
  const anyFilter = !!(
    filters.outcome ||
    filters.statusCode ||
    filters.messageId ||
    (filters.endpoint && !subscriptionId) ||
    filters.text
  );
  const emptyText = anyFilter
    ? "No attempts match these filters in this time range."
    : "No delivery attempts in this time range yet. Publish a message to a topic with subscriptions, or send an event that a rule matches, and they appear here.";
  return (
    <Card>
      <CardHeader
        title={title}
        description="Every attempt to deliver a message, newest first. Open one to see the request as sent and the response."
      />
      <div
        className="grid gap-3 border-b border-gray-200 px-5 py-3 sm:grid-cols-3 lg:grid-cols-5"
        role="group"
        aria-label="Attempt filters"
      >
        <label className="text-xs font-medium text-gray-600">
          Status
          <Select
            className="mt-1"
            value={filters.outcome}
            onChange={(e) => set({ outcome: e.target.value as AttemptFilters["outcome"] })}
            aria-label="Status"
          >
            <option value="">Any status</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
            <option value="dlq">Sent to DLQ</option>
            <option value="skipped">Skipped</option>
          </Select>
        </label>
        <label className="text-xs font-medium text-gray-600">
          Status code
          <Input
            className="mt-1"
            inputMode="numeric"
            placeholder="e.g. 500"
            value={filters.statusCode}
            onChange={(e) => set({ statusCode: e.target.value.replace(/\D/g, "").slice(0, 3) })}
            aria-label="Status code"
          />
        </label>
        <label className="text-xs font-medium text-gray-600">
          Message id
          <Input
            className="mt-1 font-mono"
            placeholder="Paste a message id"
            value={filters.messageId}
            onChange={(e) => set({ messageId: e.target.value })}
            aria-label="Message id"
          />
        </label>
        {!subscriptionId && (
          <label className="text-xs font-medium text-gray-600">
            Endpoint
            <Input
              className="mt-1 font-mono"
              placeholder="Part of a URL or ARN"
              value={filters.endpoint}
              onChange={(e) => set({ endpoint: e.target.value })}
              aria-label="Endpoint contains"
            />
          </label>
        )}
        <label className="text-xs font-medium text-gray-600">
          Payload
          <Input
            className="mt-1"
            placeholder="Text in the request"
            value={filters.text}
            onChange={(e) => set({ text: e.target.value })}
            aria-label="Payload contains"
          />
        </label>
      </div>
      {anyFilter && (
        <div className="flex justify-end border-b border-gray-200 px-5 py-2">
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              setCursors([]);
              onFiltersChange(EMPTY_FILTERS);
            }}
          >
            <X className="h-4 w-4" aria-hidden />
            Clear filters
          </Button>
        </div>
      )}
      <div className="p-3 sm:p-4">
        {q.isPending ? (
          <LoadingBlock label="Loading attempts…" />
        ) : q.error ? (
          <Alert tone="danger" title="Could not load attempts">
            {q.error.message}
          </Alert>
        ) : (
          <>
            {/* Phones: one compact card per attempt. */}
            <ul
              className="divide-y divide-gray-100 rounded-lg border border-gray-200 sm:hidden"
              aria-label="Delivery attempts"
            >
              {items.length === 0 ? (
                <li className="px-4 py-8 text-center text-sm text-gray-500">{emptyText}</li>
              ) : (
                items.map((a) => (
                  <li key={a.id}>
                    <button
                      type="button"
                      className="w-full px-3 py-2.5 text-left hover:bg-gray-50"
                      onClick={() => onOpen(a.id)}
                      data-testid="attempt-item"
                      data-outcome={a.outcome}
                    >
                      <div className="flex items-center justify-between gap-2">
                        <span className="flex items-center gap-2">
                          <Badge tone={OUTCOME_TONE[a.outcome]} dot>
                            {OUTCOME_LABEL[a.outcome]}
                          </Badge>
                          {a.responseStatus !== null && (
                            <span className="font-mono text-xs text-gray-600">{a.responseStatus}</span>
                          )}
                        </span>
                        <span className="text-xs text-gray-500">
                          <RelativeTime date={a.startedAt} />
                        </span>
                      </div>
                      <MiddleTruncate value={a.endpoint} className="mt-1 font-mono text-xs text-gray-900" />
                      <div className="truncate text-xs text-gray-500">{subline(a)}</div>
                    </button>
                  </li>
                ))
              )}
            </ul>
            <div className="hidden sm:block">
              <Table aria-label="Delivery attempts">
                <THead>
                  <tr>
                    <Th>Time</Th>
                    <Th>Status</Th>
                    <Th>Endpoint</Th>
                    <Th>Attempt</Th>
                    <Th>
                      <span className="sr-only">Open</span>
                    </Th>
                  </tr>
                </THead>
                <TBody>
                  {items.length === 0 ? (
                    <TableEmptyRow colSpan={5}>{emptyText}</TableEmptyRow>
                  ) : (
                    items.map((a) => (
                      <Tr
                        key={a.id}
                        className="cursor-pointer"
                        onClick={() => onOpen(a.id)}
                        data-testid="attempt-row"
                        data-outcome={a.outcome}
                      >
                        <Td className="whitespace-nowrap">
                          <RelativeTime date={a.startedAt} />
                        </Td>
                        <Td className="whitespace-nowrap">
                          <Badge tone={OUTCOME_TONE[a.outcome]} dot>
                            {OUTCOME_LABEL[a.outcome]}
                          </Badge>
                          {a.responseStatus !== null && (
                            <span className="ml-2 font-mono text-xs text-gray-600">{a.responseStatus}</span>
                          )}
                        </Td>
                        <Td className="max-w-[16rem] lg:max-w-sm">
                          <MiddleTruncate value={a.endpoint} className="font-mono text-xs text-gray-900" />
                          <div className="truncate text-xs text-gray-500" title={a.error ?? undefined}>
                            {subline(a)}
                          </div>
                        </Td>
                        <Td className="whitespace-nowrap text-xs">
                          #{a.attemptNumber} · {formatMs(a.durationMs)}
                        </Td>
                        <Td className="w-10 text-right">
                          <Button
                            variant="ghost"
                            size="sm"
                            aria-label={`Open attempt ${a.attemptNumber} to ${a.endpoint}`}
                            onClick={(e) => {
                              e.stopPropagation();
                              onOpen(a.id);
                            }}
                          >
                            <ChevronRight className="h-4 w-4" aria-hidden />
                          </Button>
                        </Td>
                      </Tr>
                    ))
                  )}
                </TBody>
              </Table>
            </div>
          </>
        )}
        {(cursors.length > 0 || q.data?.nextCursor) && (
          <div className="mt-3 flex items-center justify-between gap-2">
            <Button variant="secondary" size="sm" disabled={cursors.length === 0} onClick={() => setCursors([])}>
              Newest
            </Button>
            <Button
              variant="secondary"
              size="sm"
              disabled={!q.data?.nextCursor}
              onClick={() => q.data?.nextCursor && setCursors([...cursors, q.data.nextCursor])}
            >
              Older attempts
            </Button>
          </div>
        )}
      </div>
    </Card>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
