"use client";
import { useEffect, useState } from "react";
import Link from "next/link";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  CardHeader,
  CopyButton,
  Input,
  KeyValue,
  LoadingBlock,
  RelativeTime,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { formatDuration } from "./execution-model";
import { ExecutionStatusBadge, workflowsPath } from "./status";
import type { ExecutionDetail, MapRunView } from "./types";

/** The Distributed Map runs of an execution: status, item counts, limits (editable while it runs) and the children. */
export function MapRunsTab({ e, runs, canWrite }: { e: ExecutionDetail; runs: MapRunView[]; canWrite: boolean }) {
  return (
    <div className="space-y-6">
      {runs.map((r) => (
        <MapRunCard key={r.arn} e={e} run={r} canWrite={canWrite} />
      ))}
    </div>
  );
}

const COUNTS: { key: keyof MapRunView["itemCounts"]; label: string; tone: string }[] = [
  { key: "succeeded", label: "Succeeded", tone: "text-green-700" },
  { key: "failed", label: "Failed", tone: "text-red-700" },
  { key: "running", label: "Running", tone: "text-sky-700" },
  { key: "pending", label: "Pending", tone: "text-gray-700" },
  { key: "timedOut", label: "Timed out", tone: "text-red-700" },
  { key: "aborted", label: "Aborted", tone: "text-gray-700" },
];

function MapRunCard({ e, run, canWrite }: { e: ExecutionDetail; run: MapRunView; canWrite: boolean }) {
  const c = run.itemCounts;
  const done = c.succeeded + c.failed + c.timedOut + c.aborted;
  const pct = c.total ? Math.round((done / c.total) * 100) : 100;
  return (
    <Card className="min-w-0" data-testid={`map-run-${run.label}`}>
      <CardHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            <span className="break-all">Map run · {run.label}</span>
            <ExecutionStatusBadge status={run.status} />
          </span>
        }
        description={
          <span className="flex min-w-0 items-center gap-2">
            <span className="truncate font-mono text-xs" title={run.arn}>
              {run.arn}
            </span>
            <CopyButton value={run.arn} label="Copy map run ARN" />
          </span>
        }
      />
      <div className="space-y-4 px-5 py-4">
        <div>
          <div className="mb-1 flex justify-between text-xs text-gray-500">
            <span>
              {done} of {c.total} items done
            </span>
            <span>{pct}%</span>
          </div>
          <div className="h-2 overflow-hidden rounded-full bg-gray-100" aria-hidden>
            <div className="flex h-full">
              <div className="bg-green-500" style={{ width: `${c.total ? (c.succeeded / c.total) * 100 : 0}%` }} />
              <div
                className="bg-red-500"
                style={{ width: `${c.total ? ((c.failed + c.timedOut) / c.total) * 100 : 0}%` }}
              />
              <div className="bg-gray-400" style={{ width: `${c.total ? (c.aborted / c.total) * 100 : 0}%` }} />
              <div className="bg-sky-500" style={{ width: `${c.total ? (c.running / c.total) * 100 : 0}%` }} />
            </div>
          </div>
        </div>
        <dl className="grid grid-cols-3 gap-3 sm:grid-cols-6" data-testid="map-run-counts">
          {COUNTS.map((k) => (
            <div key={k.key} className="rounded-md border border-gray-200 px-3 py-2">
              <dt className="text-xs text-gray-500">{k.label}</dt>
              <dd
                className={`text-lg font-semibold tabular-nums ${c[k.key] > 0 ? k.tone : "text-gray-400"}`}
                data-testid={`count-${k.key}`}
              >
                {c[k.key]}
              </dd>
            </div>
          ))}
        </dl>
        <div className="grid gap-x-8 sm:grid-cols-2">
          <KeyValue
            items={[
              { label: "Started", value: <RelativeTime date={run.startDate} /> },
              {
                label: "Duration",
                value: formatDuration(
                  (run.stopDate ? new Date(run.stopDate).getTime() : Date.now()) - new Date(run.startDate).getTime(),
                ),
              },
            ]}
          />
          <Limits e={e} run={run} canWrite={canWrite} />
        </div>
        <Children e={e} run={run} />
      </div>
    </Card>
  );
}

function Limits({ e, run, canWrite }: { e: ExecutionDetail; run: MapRunView; canWrite: boolean }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(String(run.maxConcurrency));
  const update = useMutation(
    trpc.workflows.updateMapRun.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.workflows.mapRuns.pathKey() });
        setEditing(false);
        toast("Map run updated");
      },
    }),
  );
  const fe = fieldErrorsOf(update.error);
  const n = Number(value);
  return (
    <KeyValue
      items={[
        {
          label: "Max concurrency",
          value: editing ? (
            <form
              className="flex flex-wrap items-start gap-2"
              onSubmit={(ev) => {
                ev.preventDefault();
                update.mutate({
                  tenant: tenant.slug,
                  machine: e.machineName,
                  execution: e.name,
                  mapRunArn: run.arn,
                  maxConcurrency: n,
                });
              }}
            >
              <div className="w-28">
                <Input
                  aria-label="Max concurrency"
                  type="number"
                  min={0}
                  value={value}
                  onChange={(ev) => setValue(ev.target.value)}
                />
              </div>
              <Button size="sm" type="submit" loading={update.isPending} disabled={!Number.isInteger(n) || n < 0}>
                Save
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>
                Cancel
              </Button>
              {(fe?.maxConcurrency?.[0] ?? (update.error && !fe ? update.error.message : null)) && (
                <p className="basis-full text-xs text-red-600">{fe?.maxConcurrency?.[0] ?? update.error?.message}</p>
              )}
            </form>
          ) : (
            <span className="flex items-center gap-2">
              <span data-testid="map-run-max-concurrency">
                {run.maxConcurrency === 0 ? "No limit" : run.maxConcurrency}
              </span>
              {canWrite && run.status === "RUNNING" && (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    setValue(String(run.maxConcurrency));
                    setEditing(true);
                  }}
                >
                  Edit
                </Button>
              )}
            </span>
          ),
        },
        {
          label: "Tolerated failures",
          value: `${run.toleratedFailureCount} items · ${run.toleratedFailurePercentage}%`,
        },
      ]}
    />
  );
}

function Children({ e, run }: { e: ExecutionDetail; run: MapRunView }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const q = useInfiniteQuery({
    ...trpc.workflows.mapRunExecutions.infiniteQueryOptions(
      { tenant: tenant.slug, machine: e.machineName, execution: e.name, mapRunArn: run.arn },
      { getNextPageParam: (p) => p.nextCursor ?? undefined },
    ),
    refetchInterval: run.status === "RUNNING" ? 2000 : false,
  });
  // When the map run ends, read its children once more (their final statuses).
  const refetch = q.refetch;
  useEffect(() => {
    void refetch();
  }, [run.status, refetch]);
  if (q.isPending) return <LoadingBlock />;
  if (q.error)
    return (
      <Alert tone="danger" title="Could not load the child executions">
        {q.error.message}
      </Alert>
    );
  const rows = q.data.pages.flatMap((p) => p.items);
  return (
    <div className="space-y-2">
      <h3 className="text-sm font-semibold text-gray-900">Child executions</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-gray-500">No item has started yet.</p>
      ) : (
        <Table aria-label={`Child executions of ${run.label}`}>
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Status</Th>
              <Th className="hidden sm:table-cell">Started</Th>
              <Th className="hidden sm:table-cell">Duration</Th>
            </tr>
          </THead>
          <TBody>
            {rows.map((c) => (
              <Tr key={c.arn} data-testid={`child-row-${c.name}`}>
                <Td className="max-w-[12rem] sm:max-w-md">
                  <Link
                    href={tenantPath(
                      tenant.slug,
                      workflowsPath.execution(e.machineName, c.name, c.mapRun ?? run.label),
                    )}
                    className="block truncate font-mono text-sm text-accent-700 hover:underline"
                    title={c.name}
                  >
                    {c.name}
                  </Link>
                </Td>
                <Td>
                  <ExecutionStatusBadge status={c.status} />
                </Td>
                <Td className="hidden sm:table-cell">
                  <RelativeTime date={c.startDate} />
                </Td>
                <Td className="hidden tabular-nums sm:table-cell">
                  {c.stopDate
                    ? formatDuration(new Date(c.stopDate).getTime() - new Date(c.startDate).getTime())
                    : "running"}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      {q.hasNextPage && (
        <Button variant="secondary" size="sm" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </div>
  );
}
