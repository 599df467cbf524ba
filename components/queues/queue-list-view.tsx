"use client";
import { useMemo, useState } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { ArrowRight, Inbox, Plus, Search } from "lucide-react";
import {
  Alert,
  Button,
  EmptyState,
  Input,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  Select,
  Sparkline,
  Table,
  TableEmptyRow,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@/components/ui";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { CreateQueueDialog } from "./create-queue-dialog";
import { DlqBadge, QueueTypeBadge } from "./queue-badges";
import { formatAge, nameFromArn } from "./format";

type QueueItem = RouterOutputs["queue"]["list"][number];
type Filter = "all" | "standard" | "fifo" | "dlq" | "nonempty";

// Depth changes all the time; the list follows it without the user reloading.
export const LIVE_REFETCH_MS = 3_000;

function matches(q: QueueItem, text: string, filter: Filter): boolean {
  if (text && !q.name.toLowerCase().includes(text.toLowerCase())) return false;
  if (filter === "standard") return !q.fifo;
  if (filter === "fifo") return q.fifo;
  if (filter === "dlq") return q.isDeadLetterQueue;
  if (filter === "nonempty") return q.visible + q.inFlight + q.delayed > 0;
  return true;
}

function Num({ n, tone }: { n: number; tone?: "warn" }) {
  return (
    <span
      className={
        n === 0 ? "text-gray-400" : tone === "warn" ? "font-medium text-amber-700" : "font-medium text-gray-900"
      }
    >
      {n.toLocaleString()}
    </span>
  );
}

type Activity = RouterOutputs["queue"]["activity"][number];

/** Sent per hour over the last day, the day's total and when the queue was last used. */
function ActivityLine({ a, className }: { a: Activity | undefined; className?: string }) {
  if (!a) return <span className={className} />;
  return (
    <div className={`flex items-center gap-2 ${className ?? ""}`}>
      <Sparkline
        values={a.sentPerHour}
        label={`${a.sent24h.toLocaleString()} messages sent in the last 24 hours, per hour`}
      />
      <div className="text-xs leading-tight whitespace-nowrap">
        <div className="tabular-nums text-gray-900">{a.sent24h.toLocaleString()} sent</div>
        <div className="text-gray-500">
          {a.lastActivityAt ? <RelativeTime date={a.lastActivityAt} /> : "never used"}
        </div>
      </div>
    </div>
  );
}

export function QueueListView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const { can, role } = usePermissions();
  const write = can("resource:write");
  const list = useQuery({ ...trpc.queue.list.queryOptions({ tenant: tenant.slug }), refetchInterval: LIVE_REFETCH_MS });
  // Hourly buckets: once a minute is live enough, and reads only the metric table.
  const activity = useQuery({ ...trpc.queue.activity.queryOptions({ tenant: tenant.slug }), refetchInterval: 60_000 });
  const activityOf = useMemo(() => new Map((activity.data ?? []).map((a) => [a.queueId, a])), [activity.data]);
  const [text, setText] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [creating, setCreating] = useState(false);
  const rows = useMemo(
    () => (list.data ?? []).filter((q) => matches(q, text.trim(), filter)),
    [list.data, text, filter],
  );
  const options = (list.data ?? []).map((q) => ({ name: q.name, arn: q.arn, fifo: q.fifo }));
  const href = (name: string) => tenantPath(tenant.slug, "queues", encodeURIComponent(name));

  const createButton = write && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create queue
    </Button>
  );

  return (
    <div>
      <PageHeader
        title="Queues"
        description="SQS-compatible message queues. Point the AWS SDKs or CLI at this Signalbox, or use the REST API; depth and in-flight counts update live."
        actions={list.data && list.data.length > 0 ? createButton : undefined}
      />
      {list.isPending ? (
        <LoadingBlock label="Loading queues…" />
      ) : list.error ? (
        <Alert tone="danger" title="Could not load queues">
          {list.error.message}
        </Alert>
      ) : list.data.length === 0 ? (
        <EmptyState
          icon={<Inbox className="h-5 w-5" aria-hidden />}
          title="No queues yet"
          description={
            write
              ? "A queue holds messages until a consumer receives and deletes them. Create one here, or with CreateQueue from any AWS SDK pointed at this server."
              : `This team has no queues yet. Your role (${role}) can look at queues but not create them.`
          }
          action={createButton}
        />
      ) : (
        <>
          <div className="mb-4 flex flex-col gap-2 sm:flex-row sm:items-center">
            <div className="relative sm:w-72">
              <Search className="pointer-events-none absolute top-2.5 left-3 h-4 w-4 text-gray-400" aria-hidden />
              <Input
                type="search"
                aria-label="Search queues"
                placeholder="Search by name"
                value={text}
                onChange={(e) => setText(e.target.value)}
                className="pl-9"
              />
            </div>
            <div className="sm:w-52">
              <Select aria-label="Filter queues" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
                <option value="all">All queues</option>
                <option value="standard">Standard</option>
                <option value="fifo">FIFO</option>
                <option value="dlq">Dead-letter queues</option>
                <option value="nonempty">With messages</option>
              </Select>
            </div>
            <p className="text-xs text-gray-500 sm:ml-auto" aria-live="polite">
              {rows.length === list.data.length
                ? `${list.data.length} ${list.data.length === 1 ? "queue" : "queues"}`
                : `${rows.length} of ${list.data.length} queues`}{" "}
              · live
            </p>
          </div>

          {/* Phones: one card per queue. */}
          <ul className="space-y-3 md:hidden" aria-label="Queues">
            {rows.length === 0 && (
              <li className="rounded-lg border border-dashed border-gray-300 bg-white px-4 py-8 text-center text-sm text-gray-500">
                No queue matches.
              </li>
            )}
            {rows.map((q) => (
              <li key={q.id}>
                <Link
                  href={href(q.name)}
                  className="block rounded-lg border border-gray-200 bg-white p-4 shadow-xs hover:border-gray-300"
                >
                  <div className="flex items-start justify-between gap-2">
                    <span className="min-w-0 font-medium break-all text-accent-700">{q.name}</span>
                    <ArrowRight className="mt-0.5 h-4 w-4 shrink-0 text-gray-400" aria-hidden />
                  </div>
                  <div className="mt-2 flex flex-wrap gap-1.5">
                    <QueueTypeBadge fifo={q.fifo} />
                    {q.isDeadLetterQueue && <DlqBadge />}
                  </div>
                  <ActivityLine a={activityOf.get(q.id)} className="mt-3" />
                  <dl className="mt-3 grid grid-cols-4 gap-2 text-xs">
                    {[
                      ["Available", <Num key="a" n={q.visible} />],
                      ["In flight", <Num key="b" n={q.inFlight} />],
                      ["Delayed", <Num key="c" n={q.delayed} />],
                      [
                        "Oldest",
                        <span key="d" className="text-gray-900">
                          {formatAge(q.oldestMessageAgeSeconds)}
                        </span>,
                      ],
                    ].map(([label, value]) => (
                      <div key={label as string}>
                        <dt className="text-gray-500">{label}</dt>
                        <dd className="mt-0.5 text-sm">{value}</dd>
                      </div>
                    ))}
                  </dl>
                </Link>
              </li>
            ))}
          </ul>

          <div className="hidden md:block">
            <Table aria-label="Queues">
              <THead>
                <tr>
                  <Th>Name</Th>
                  <Th>Type</Th>
                  <Th className="text-right">Available</Th>
                  <Th className="text-right">In flight</Th>
                  <Th className="text-right">Delayed</Th>
                  <Th className="text-right">Oldest</Th>
                  <Th>Last 24 h</Th>
                  <Th className="hidden 2xl:table-cell">Dead-letter queue</Th>
                  <Th className="hidden 2xl:table-cell">Created</Th>
                </tr>
              </THead>
              <TBody>
                {rows.length === 0 && <TableEmptyRow colSpan={9}>No queue matches “{text}”.</TableEmptyRow>}
                {rows.map((q) => (
                  <Tr key={q.id} data-testid={`queue-row-${q.name}`}>
                    <Td className="max-w-xs min-w-48">
                      <Link href={href(q.name)} className="font-medium break-words text-accent-700 hover:underline">
                        {q.name}
                      </Link>
                      {q.deadLetterTargetArn && (
                        <div className="mt-0.5 text-xs text-gray-500 2xl:hidden">
                          dead letters →{" "}
                          <Link
                            href={href(nameFromArn(q.deadLetterTargetArn))}
                            className="hover:text-accent-700 hover:underline"
                          >
                            {nameFromArn(q.deadLetterTargetArn)}
                          </Link>{" "}
                          after {q.maxReceiveCount}×
                        </div>
                      )}
                    </Td>
                    <Td>
                      <div className="flex gap-1.5">
                        <QueueTypeBadge fifo={q.fifo} />
                        {q.isDeadLetterQueue && <DlqBadge />}
                      </div>
                    </Td>
                    <Td className="text-right tabular-nums" data-testid="depth">
                      <Num n={q.visible} />
                    </Td>
                    <Td className="text-right tabular-nums">
                      <Num n={q.inFlight} />
                    </Td>
                    <Td className="text-right tabular-nums">
                      <Num n={q.delayed} />
                    </Td>
                    <Td className="text-right tabular-nums">{formatAge(q.oldestMessageAgeSeconds)}</Td>
                    <Td data-testid="activity">
                      <ActivityLine a={activityOf.get(q.id)} />
                    </Td>
                    <Td className="hidden 2xl:table-cell">
                      {q.deadLetterTargetArn ? (
                        <Link
                          href={href(nameFromArn(q.deadLetterTargetArn))}
                          className="text-gray-700 hover:text-accent-700 hover:underline"
                          title={`Messages move there after ${q.maxReceiveCount} receives`}
                        >
                          {nameFromArn(q.deadLetterTargetArn)}{" "}
                          <span className="text-xs whitespace-nowrap text-gray-400">after {q.maxReceiveCount}×</span>
                        </Link>
                      ) : (
                        <span className="text-gray-400">—</span>
                      )}
                    </Td>
                    <Td className="hidden whitespace-nowrap 2xl:table-cell">
                      <RelativeTime date={q.createdAt} />
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </div>
          {!write && (
            <p className="mt-3 text-xs text-gray-500">
              Your role ({role}) can see queues and messages but not change them.
            </p>
          )}
        </>
      )}
      {write && (
        <CreateQueueDialog open={creating} onClose={() => setCreating(false)} tenant={tenant.slug} queues={options} />
      )}
    </div>
  );
}
