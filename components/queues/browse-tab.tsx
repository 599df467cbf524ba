"use client";
import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ChevronLeft, ChevronRight, Eye, RefreshCw } from "lucide-react";
import { Alert, Badge, Button, EmptyState, LoadingBlock, RelativeTime, Select } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { formatBytes, nameFromArn } from "./format";
import { AttributeList, MessageBody } from "./message-parts";
import type { BrowsedMessage } from "./types";

const STATE: Record<BrowsedMessage["state"], { label: string; tone: "success" | "warning" | "info" }> = {
  visible: { label: "Available", tone: "success" },
  inFlight: { label: "In flight", tone: "warning" },
  delayed: { label: "Delayed", tone: "info" },
};

function preview(body: string): string {
  const one = body.replace(/\s+/g, " ").trim();
  return one.length > 120 ? `${one.slice(0, 120)}…` : one;
}

/** Peek at stored messages page by page. Reading here never receives: nothing about a message changes. */
export function BrowseTab({ tenant, name }: { tenant: string; name: string }) {
  const trpc = useTRPC();
  const [limit, setLimit] = useState(25);
  // Cursors of the pages before the current one, so "Previous" can go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useQuery({
    ...trpc.queue.browse.queryOptions({ tenant, name, limit, ...(cursor ? { cursor } : {}) }),
    placeholderData: keepPreviousData,
    staleTime: 0,
    refetchOnMount: "always",
  });
  const pageNo = cursors.length;
  return (
    <div className="space-y-4">
      <Alert tone="info" title="Peek without receiving">
        Browsing reads the stored messages without receiving them: their visibility, receive counts and receipt handles
        do not change, and consumers are not affected. (AWS&apos;s console cannot do this.)
      </Alert>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-gray-600">
          Page {pageNo}
          {page.data ? ` · ${page.data.items.length} ${page.data.items.length === 1 ? "message" : "messages"}` : ""},
          oldest first
        </p>
        <div className="flex items-center gap-2">
          <div className="w-40">
            <Select
              aria-label="Messages per page"
              value={limit}
              onChange={(e) => {
                setLimit(Number(e.target.value));
                setCursors([undefined]);
              }}
            >
              {[10, 25, 50, 100].map((n) => (
                <option key={n} value={n}>
                  {n} per page
                </option>
              ))}
            </Select>
          </div>
          <Button
            variant="secondary"
            size="md"
            onClick={() => page.refetch()}
            loading={page.isFetching}
            aria-label="Refresh"
          >
            {!page.isFetching && <RefreshCw className="h-4 w-4" aria-hidden />}
            <span className="hidden sm:inline">Refresh</span>
          </Button>
        </div>
      </div>
      {page.isPending ? (
        <LoadingBlock label="Loading messages…" />
      ) : page.error ? (
        <Alert tone="danger" title="Could not load messages">
          {page.error.message}
        </Alert>
      ) : page.data.items.length === 0 ? (
        <EmptyState
          icon={<Eye className="h-5 w-5" aria-hidden />}
          title={pageNo > 1 ? "No more messages" : "The queue is empty"}
          description={
            pageNo > 1
              ? "Every stored message was on the previous pages."
              : "Messages appear here as soon as they are sent: available, in flight and delayed ones alike."
          }
        />
      ) : (
        <ul className="space-y-2" aria-label="Stored messages">
          {page.data.items.map((m) => (
            <li key={m.messageId} className="rounded-lg border border-gray-200 bg-white" data-testid="browsed-message">
              <details className="group">
                <summary className="flex cursor-pointer list-none flex-col gap-1.5 px-4 py-3 hover:bg-gray-50 sm:flex-row sm:items-center sm:gap-4 [&::-webkit-details-marker]:hidden">
                  <ChevronRight
                    className="hidden h-4 w-4 shrink-0 text-gray-400 transition-transform group-open:rotate-90 sm:block"
                    aria-hidden
                  />
                  <span
                    className="min-w-0 flex-1 truncate font-mono text-xs text-gray-900"
                    data-testid="browsed-preview"
                  >
                    {preview(m.body)}
                  </span>
                  <span className="flex shrink-0 flex-wrap items-center gap-2 text-xs text-gray-500">
                    <Badge tone={STATE[m.state].tone} dot>
                      {STATE[m.state].label}
                    </Badge>
                    <span data-testid="browsed-receive-count">Received {m.receiveCount}×</span>
                    <span aria-hidden>·</span>
                    <RelativeTime date={m.sentAt} />
                  </span>
                </summary>
                <div className="space-y-3 border-t border-gray-100 px-4 py-3">
                  <MessageBody body={m.body} />
                  <AttributeList attributes={m.attributes} />
                  <dl className="grid gap-x-6 gap-y-1 text-xs text-gray-500 sm:grid-cols-2">
                    {[
                      ["Message id", m.messageId],
                      ["Size", formatBytes(m.size)],
                      ["Sent", new Date(m.sentAt).toLocaleString()],
                      ["First received", m.firstReceiveAt ? new Date(m.firstReceiveAt).toLocaleString() : "Never"],
                      [m.state === "visible" ? "Visible since" : "Visible at", new Date(m.visibleAt).toLocaleString()],
                      ["Expires", new Date(m.expiresAt).toLocaleString()],
                      ...(m.messageGroupId ? [["Message group", m.messageGroupId]] : []),
                      ...(m.messageDeduplicationId ? [["Deduplication id", m.messageDeduplicationId]] : []),
                      ...(m.sequenceNumber ? [["Sequence number", m.sequenceNumber]] : []),
                      ...(m.deadLetterSourceArn ? [["Dead-lettered from", nameFromArn(m.deadLetterSourceArn)]] : []),
                    ].map(([k, v]) => (
                      <div key={k} className="flex min-w-0 gap-2">
                        <dt className="shrink-0">{k}</dt>
                        <dd className="min-w-0 truncate font-mono text-gray-700" title={v}>
                          {v}
                        </dd>
                      </div>
                    ))}
                  </dl>
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}
      {(pageNo > 1 || page.data?.nextCursor) && (
        <nav className="flex items-center justify-between" aria-label="Pages">
          <Button
            variant="secondary"
            size="sm"
            disabled={pageNo === 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            <ChevronLeft className="h-4 w-4" aria-hidden />
            Previous
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={!page.data?.nextCursor}
            onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data!.nextCursor!])}
          >
            Next
            <ChevronRight className="h-4 w-4" aria-hidden />
          </Button>
        </nav>
      )}
    </div>
  );
}
