"use client";
import { useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { ListChecks } from "lucide-react";
import {
  Alert,
  Button,
  EmptyState,
  Input,
  LoadingBlock,
  RelativeTime,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { formatDuration } from "./execution-model";
import { EXECUTION_STATUSES, ExecutionStatusBadge, statusLabel, workflowsPath } from "./status";

type Status = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";
type Range = "" | "1h" | "24h" | "7d" | "30d";
const RANGES: Record<Exclude<Range, "">, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Executions, newest first, filtered by status and name; of one machine or of all. Refreshes while any runs. */
export function ExecutionsTable({
  tenant,
  machine,
  express = false,
  action,
}: {
  tenant: string;
  machine?: string;
  /** An Express machine: its runs keep no history, so none are listed (as on AWS). */
  express?: boolean;
  action?: React.ReactNode;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [status, setStatus] = useState<Status | "">("");
  const [search, setSearch] = useState("");
  const [range, setRange] = useState<Range>("");
  const q = useDebounced(search.trim(), 250);
  const startedAfter = useMemo(() => (range ? new Date(Date.now() - RANGES[range]) : undefined), [range]);
  const list = useInfiniteQuery({
    ...trpc.workflows.executions.infiniteQueryOptions(
      {
        tenant,
        machine,
        status: status || undefined,
        namePrefix: q || undefined,
        startedAfter,
      },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((e) => e.status === "RUNNING")) ? 2000 : 10_000,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const href = (m: string, e: string) => tenantPath(tenant, workflowsPath.execution(m, e));
  const filtered = !!(status || q || range);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className="block w-full sm:w-auto">
          <span className="mb-1 block text-xs font-medium text-gray-600">Status</span>
          <div className="w-full sm:w-44">
            <Select
              aria-label="Status filter"
              value={status}
              onChange={(e) => setStatus(e.target.value as Status | "")}
            >
              <option value="">Any status</option>
              {EXECUTION_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </Select>
          </div>
        </label>
        <label className="block w-full sm:w-auto">
          <span className="mb-1 block text-xs font-medium text-gray-600">Name starts with</span>
          <div className="w-full sm:w-56">
            <Input aria-label="Execution name filter" value={search} onChange={(e) => setSearch(e.target.value)} />
          </div>
        </label>
        <label className="block w-full sm:w-auto">
          <span className="mb-1 block text-xs font-medium text-gray-600">Started</span>
          <div className="w-full sm:w-40">
            <Select aria-label="Started within" value={range} onChange={(e) => setRange(e.target.value as Range)}>
              <option value="">Any time</option>
              <option value="1h">Last hour</option>
              <option value="24h">Last 24 hours</option>
              <option value="7d">Last 7 days</option>
              <option value="30d">Last 30 days</option>
            </Select>
          </div>
        </label>
        <div className="ml-auto">{action}</div>
      </div>
      {list.isPending ? (
        <LoadingBlock />
      ) : list.error ? (
        <Alert tone="danger" title="Could not load executions">
          {list.error.message}
        </Alert>
      ) : rows.length === 0 ? (
        <EmptyState
          icon={<ListChecks className="h-5 w-5" aria-hidden />}
          title={filtered ? "No executions match" : express ? "Express executions are not listed" : "No executions yet"}
          description={
            filtered
              ? "Try another status, name or time range."
              : express
                ? "An Express state machine runs fast and keeps no execution history, so its runs are not listed here (as on AWS). Start one to run it; use a Standard machine to follow runs state by state."
                : "Each run of a state machine is an execution. Start one with some JSON input and follow it state by state."
          }
        />
      ) : (
        <div className="space-y-3">
          <Table aria-label="Executions">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Status</Th>
                {!machine && <Th className="hidden md:table-cell">State machine</Th>}
                <Th className="hidden sm:table-cell">Started</Th>
                <Th className="hidden sm:table-cell">Duration</Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((e) => (
                <Tr
                  key={e.arn}
                  className="cursor-pointer"
                  onClick={() => router.push(href(e.machineName, e.name))}
                  data-testid={`execution-row-${e.name}`}
                >
                  <Td className="max-w-[16rem] sm:max-w-md">
                    <Link
                      href={href(e.machineName, e.name)}
                      className="block truncate font-mono text-sm text-accent-700 hover:underline"
                      onClick={(ev) => ev.stopPropagation()}
                    >
                      {e.name}
                    </Link>
                    {e.redriveCount > 0 && <div className="text-xs text-gray-500">Redriven {e.redriveCount}×</div>}
                  </Td>
                  <Td>
                    <ExecutionStatusBadge status={e.status} />
                  </Td>
                  {!machine && <Td className="hidden md:table-cell">{e.machineName}</Td>}
                  <Td className="hidden sm:table-cell">
                    <RelativeTime date={e.startDate} />
                  </Td>
                  <Td className="hidden tabular-nums sm:table-cell" data-testid="execution-duration">
                    {e.stopDate ? (
                      formatDuration(new Date(e.stopDate).getTime() - new Date(e.startDate).getTime())
                    ) : (
                      <span className="text-gray-500">running</span>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {list.hasNextPage && (
            <div className="flex justify-center">
              <Button variant="secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? "Loading…" : "Load older executions"}
              </Button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
