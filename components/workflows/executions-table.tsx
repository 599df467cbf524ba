"use client";
import { useEffect, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ListChecks } from "lucide-react";
import {
  Alert,
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
  const q = useDebounced(search.trim(), 250);
  const list = useQuery({
    ...trpc.workflows.executions.queryOptions({
      tenant,
      machine,
      status: status || undefined,
      search: q || undefined,
    }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.some((e) => e.status === "RUNNING") ? 2000 : 10_000),
  });
  const href = (m: string, e: string) => tenantPath(tenant, workflowsPath.execution(m, e));
  const filtered = !!(status || q);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className="block">
          <span className="mb-1 block text-xs font-medium text-gray-600">Status</span>
          <div className="w-44">
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
        <label className="block">
          <span className="mb-1 block text-xs font-medium text-gray-600">Name contains</span>
          <div className="w-56">
            <Input aria-label="Execution name filter" value={search} onChange={(e) => setSearch(e.target.value)} />
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
      ) : list.data.length === 0 ? (
        <EmptyState
          icon={<ListChecks className="h-5 w-5" aria-hidden />}
          title={filtered ? "No executions match" : express ? "Express executions are not listed" : "No executions yet"}
          description={
            filtered
              ? "Try another status or name."
              : express
                ? "An Express state machine runs fast and keeps no execution history, so its runs are not listed here (as on AWS). Start one to run it; use a Standard machine to follow runs state by state."
                : "Each run of a state machine is an execution. Start one with some JSON input and follow it state by state."
          }
        />
      ) : (
        <Table aria-label="Executions">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Status</Th>
              {!machine && <Th className="hidden md:table-cell">State machine</Th>}
              <Th className="hidden sm:table-cell">Started</Th>
              <Th className="hidden lg:table-cell">Duration</Th>
            </tr>
          </THead>
          <TBody>
            {list.data.map((e) => (
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
                <Td className="hidden tabular-nums lg:table-cell">
                  {e.stopDate ? formatDuration(new Date(e.stopDate).getTime() - new Date(e.startDate).getTime()) : "—"}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
