"use client";
import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Badge, Button, Card, CardHeader, RelativeTime } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import type { OutboxEmail } from "./types";

/** Email subscriptions without SMTP land here (confirmations too), so nothing is silently dropped. */
export function EmailOutboxCard({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  // Pages of 20, newest first; "Load more" fetches older ones by cursor. The first page is asked for
  // with cursor: null (the paged shape; without a cursor key the procedure answers a bare array).
  const q = useInfiniteQuery({
    ...trpc.delivery.outbox.infiniteQueryOptions(
      { tenant, limit: 20, cursor: null },
      { getNextPageParam: (last) => (Array.isArray(last) ? null : last.nextCursor) ?? undefined },
    ),
    refetchInterval: 30_000,
  });
  const [open, setOpen] = useState<string | null>(null);
  const rows = (q.data?.pages ?? []).flatMap((p) => (Array.isArray(p) ? p : p.items)) as OutboxEmail[];
  if (rows.length === 0) return null;
  return (
    <Card>
      <CardHeader
        title="Email outbox"
        description="Emails for email and email-json subscriptions. Without SMTP configured they stay here; open one to read it (confirmation links included)."
      />
      <ul className="divide-y divide-gray-100">
        {rows.map((m) => (
          <li key={m.id} className="px-5 py-3">
            <button
              type="button"
              className="flex w-full flex-wrap items-center gap-x-3 gap-y-1 text-left"
              aria-expanded={open === m.id}
              onClick={() => setOpen(open === m.id ? null : m.id)}
            >
              <span className="min-w-0 flex-1 truncate text-sm font-medium text-gray-900">{m.subject}</span>
              <span className="truncate text-xs text-gray-500">to {m.to}</span>
              <Badge tone={m.status === "sent" ? "success" : "neutral"}>{m.status}</Badge>
              <span className="text-xs text-gray-500">
                <RelativeTime date={m.createdAt} />
              </span>
            </button>
            {open === m.id && (
              <pre className="mt-2 max-h-72 overflow-auto rounded-md bg-gray-50 p-3 font-mono text-xs whitespace-pre-wrap text-gray-800">
                {m.body}
              </pre>
            )}
          </li>
        ))}
      </ul>
      {q.hasNextPage && (
        <div className="flex justify-center border-t border-gray-100 px-5 py-3">
          <Button variant="secondary" size="sm" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
            {q.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}
    </Card>
  );
}
