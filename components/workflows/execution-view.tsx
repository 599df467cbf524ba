"use client";
import { useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, CheckCircle2, Hand, ListChecks, RotateCcw, Square, XCircle } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardHeader,
  CodeBlock,
  ConfirmDialog,
  CopyButton,
  Dialog,
  EmptyState,
  FormDialogFooter,
  FormField,
  Input,
  KeyValue,
  LoadingBlock,
  RelativeTime,
  Select,
  Tabs,
  Textarea,
  buttonClasses,
  cn,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { definitionToGraph, parseDefinition } from "./asl-graph";
import {
  detailsOf,
  formatDuration,
  prettyJson,
  stateRuns,
  stateStatuses,
  waterfall,
  type StateRun,
} from "./execution-model";
import { StateGraph, STATUS_STYLE, StatusLegend } from "./state-graph";
import { StartExecutionDialog } from "./start-execution-dialog";
import { MapRunsTab } from "./map-runs";
import { ExecutionStatusBadge, workflowsPath } from "./status";
import type { ExecutionDetail, WaitingTokenView } from "./types";

/**
 * /t/<slug>/workflows/<machine>/executions/<name>: one execution — the graph coloured by each
 * state's status, each state's input/output/variables, the timeline (waterfall) and every history
 * event, waiting task tokens with approve/reject, and stop, redrive, run again.
 */
export function ExecutionView({ machine, name, mapRun }: { machine: string; name: string; mapRun?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const router = useRouter();
  const { can } = usePermissions();
  const write = can("resource:write");
  const q = useQuery({
    ...trpc.workflows.execution.queryOptions({ tenant: tenant.slug, machine, execution: name, mapRun }),
    refetchInterval: (query) => {
      const s = query.state.data?.status;
      return s === "RUNNING" ? 1500 : false;
    },
  });
  const [tab, setTab] = useState("graph");
  const mapRuns = useQuery({
    ...trpc.workflows.mapRuns.queryOptions({ tenant: tenant.slug, machine, execution: name, mapRun }),
    enabled: !mapRun,
    // While the execution runs a map run may start (or one runs): poll; a plain value so it follows q.
    refetchInterval: q.data?.status === "RUNNING" || q.data?.status === "PENDING_REDRIVE" ? 2000 : false,
  }); // When the execution ends, read the map runs once more (their final counts).
  const status = q.data?.status;
  const refetchRuns = mapRuns.refetch;
  useEffect(() => {
    if (status && !mapRun) void refetchRuns();
  }, [status, mapRun, refetchRuns]);

  const [again, setAgain] = useState(false);
  const back = (
    <Link
      href={tenantPath(tenant.slug, workflowsPath.machine(machine))}
      className="mb-3 inline-flex items-center gap-1 text-sm text-gray-500 hover:text-gray-800"
    >
      <ArrowLeft className="h-4 w-4" aria-hidden />
      {machine}
    </Link>
  );
  if (q.isPending)
    return (
      <div>
        {back}
        <LoadingBlock />
      </div>
    );
  if (q.error)
    return (
      <div>
        {back}
        {q.error.data?.code === "NOT_FOUND" ? (
          <EmptyState
            icon={<ListChecks className="h-5 w-5" aria-hidden />}
            title={`There is no execution “${name}”`}
            description="It may have been deleted with its state machine, or the link has a typo."
            action={
              <Link
                href={tenantPath(tenant.slug, workflowsPath.machine(machine))}
                className={buttonClasses("secondary")}
              >
                Back to {machine}
              </Link>
            }
          />
        ) : (
          <Alert tone="danger" title="Could not load the execution">
            {q.error.message}
          </Alert>
        )}
      </div>
    );
  const e = q.data;
  const runs = mapRuns.data ?? [];
  return (
    <div>
      {e.parent ? (
        <Link
          href={tenantPath(tenant.slug, workflowsPath.execution(machine, e.parent.name))}
          className="mb-3 inline-flex max-w-full items-center gap-1 text-sm text-gray-500 hover:text-gray-800"
          data-testid="parent-execution-link"
        >
          <ArrowLeft className="h-4 w-4 shrink-0" aria-hidden />
          <span className="truncate">
            {machine} / {e.parent.name} · map run {mapRun}
          </span>
        </Link>
      ) : (
        back
      )}
      <Header e={e} canWrite={write && !e.parent} onRunAgain={() => setAgain(true)} />
      {(e.status === "FAILED" || e.status === "TIMED_OUT") && (e.error || e.cause) && (
        <Alert tone="danger" title={e.error ?? "Failed"} className="mb-4">
          <span className="break-all whitespace-pre-wrap" data-testid="execution-cause">
            {e.cause}
          </span>
        </Alert>
      )}
      {e.waitingTokens.length > 0 && <WaitingTokens e={e} canWrite={write} />}
      <Tabs
        value={tab}
        onChange={setTab}
        items={[
          { id: "graph", label: "Graph", content: <GraphTab e={e} /> },
          { id: "timeline", label: "Timeline", content: <TimelineTab e={e} /> },
          { id: "io", label: "Input & output", content: <IoTab e={e} /> },
          ...(runs.length > 0
            ? [
                {
                  id: "map-runs",
                  label: `Map runs (${runs.length})`,
                  content: <MapRunsTab e={e} runs={runs} canWrite={write} />,
                },
              ]
            : []),
        ]}
      />
      {write && (
        <StartExecutionDialog
          open={again}
          onClose={() => setAgain(false)}
          tenant={tenant.slug}
          machine={machine}
          title="Run again with edited input"
          initialInput={prettyJson(e.input) || "{}"}
          onStarted={(r) => {
            setAgain(false);
            if (r.express) return;
            router.push(tenantPath(tenant.slug, workflowsPath.execution(machine, r.name)));
          }}
        />
      )}
    </div>
  );
}

function Header({ e, canWrite, onRunAgain }: { e: ExecutionDetail; canWrite: boolean; onRunAgain: () => void }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [stopping, setStopping] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.workflows.execution.pathKey() });
  const ref = { tenant: tenant.slug, machine: e.machineName, execution: e.name, mapRun: e.mapRun };
  const stop = useMutation(
    trpc.workflows.stopExecution.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setStopping(false);
        toast("Execution stopped");
      },
    }),
  );
  const redrive = useMutation(
    trpc.workflows.redriveExecution.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast("Execution redriven: it resumes from the state that failed");
      },
      onError: (err) => toast(err.message, "danger"),
    }),
  );
  const duration = (e.stopDate ? new Date(e.stopDate).getTime() : Date.now()) - new Date(e.startDate).getTime();
  return (
    <div className="mb-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="min-w-0 font-mono text-xl font-semibold tracking-tight break-all text-gray-900">{e.name}</h1>
            <ExecutionStatusBadge status={e.status} />
            {e.redriveCount > 0 && <Badge tone="warning">Redriven {e.redriveCount}×</Badge>}
          </div>
          <div className="mt-3 flex max-w-full flex-wrap items-center gap-2">
            <code
              className="max-w-full min-w-0 rounded-md border border-gray-200 bg-gray-50 px-2.5 py-1.5 font-mono text-xs break-all text-gray-800 select-all sm:truncate"
              title={e.arn}
            >
              {e.arn}
            </code>
            <CopyButton value={e.arn} label="Copy ARN" />
          </div>
        </div>
        {canWrite && (
          <div className="flex flex-wrap gap-2">
            <Button size="sm" variant="secondary" onClick={onRunAgain}>
              <RotateCcw className="h-4 w-4" aria-hidden />
              Run again with edited input
            </Button>
            {e.redrivable && (
              <Button size="sm" variant="secondary" loading={redrive.isPending} onClick={() => redrive.mutate(ref)}>
                <RotateCcw className="h-4 w-4" aria-hidden />
                Redrive
              </Button>
            )}
            {e.status === "RUNNING" && (
              <Button size="sm" variant="danger" onClick={() => setStopping(true)}>
                <Square className="h-4 w-4" aria-hidden />
                Stop
              </Button>
            )}
          </div>
        )}
      </div>
      <div className="mt-4 grid gap-x-8 rounded-lg border border-gray-200 bg-white px-5 shadow-xs sm:grid-cols-2">
        <KeyValue
          items={[
            { label: "Started", value: <RelativeTime date={e.startDate} /> },
            { label: "Duration", value: <span data-testid="execution-duration">{formatDuration(duration)}</span> },
          ]}
        />
        <KeyValue
          items={[
            { label: "Ended", value: e.stopDate ? <RelativeTime date={e.stopDate} /> : "—" },
            {
              label: "Ran",
              value: e.aliasArn
                ? `alias ${e.aliasArn.split(":").pop()}`
                : e.versionArn
                  ? `version ${e.versionArn.split(":").pop()}`
                  : "latest revision",
            },
          ]}
        />
      </div>
      <ConfirmDialog
        open={stopping}
        onClose={() => {
          stop.reset();
          setStopping(false);
        }}
        onConfirm={() => stop.mutate(ref)}
        loading={stop.isPending}
        title={`Stop “${e.name}”?`}
        confirmLabel="Stop execution"
        error={stop.error?.message}
      >
        <p>The execution is aborted where it is: the state running now does not finish and nothing after it runs.</p>
      </ConfirmDialog>
    </div>
  );
}

/** Task tokens a state is waiting on (.waitForTaskToken, activities): a person approves or rejects here. */
function WaitingTokens({ e, canWrite }: { e: ExecutionDetail; canWrite: boolean }) {
  const [answer, setAnswer] = useState<{ token: WaitingTokenView; kind: "success" | "failure" } | null>(null);
  return (
    <Card className="mb-4 border-amber-300" data-testid="waiting-tokens">
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            <Hand className="h-4 w-4 text-amber-600" aria-hidden />
            Waiting for a response
          </span>
        }
        description="These states wait for SendTaskSuccess or SendTaskFailure with their task token. Answer one by hand here."
      />
      <ul className="divide-y divide-gray-100">
        {e.waitingTokens.map((t) => (
          <li
            key={t.taskToken}
            className="flex flex-wrap items-center justify-between gap-3 px-5 py-3"
            data-testid={`token-${t.stateName}`}
          >
            <div className="min-w-0">
              <div className="font-medium text-gray-900">{t.stateName}</div>
              <div className="truncate font-mono text-xs text-gray-500" title={t.taskToken}>
                {t.resource ? `${t.resource} · ` : ""}
                token {t.taskToken.slice(0, 16)}…
              </div>
              {t.enteredAt && (
                <div className="text-xs text-gray-500">
                  waiting since <RelativeTime date={t.enteredAt} />
                </div>
              )}
            </div>
            {canWrite && (
              <div className="flex gap-2">
                <Button size="sm" onClick={() => setAnswer({ token: t, kind: "success" })}>
                  <CheckCircle2 className="h-4 w-4" aria-hidden />
                  Send success
                </Button>
                <Button size="sm" variant="danger" onClick={() => setAnswer({ token: t, kind: "failure" })}>
                  <XCircle className="h-4 w-4" aria-hidden />
                  Send failure
                </Button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {answer && <AnswerDialog e={e} token={answer.token} kind={answer.kind} onClose={() => setAnswer(null)} />}
    </Card>
  );
}

function AnswerDialog({
  e,
  token,
  kind,
  onClose,
}: {
  e: ExecutionDetail;
  token: WaitingTokenView;
  kind: "success" | "failure";
  onClose: () => void;
}) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [output, setOutput] = useState('{\n  "approved": true\n}');
  const [error, setError] = useState("Rejected");
  const [cause, setCause] = useState("");
  const done = async () => {
    await qc.invalidateQueries({ queryKey: trpc.workflows.execution.pathKey() });
    toast(kind === "success" ? `“${token.stateName}” approved` : `“${token.stateName}” failed`);
    onClose();
  };
  const success = useMutation(trpc.workflows.sendTaskSuccess.mutationOptions({ onSuccess: done }));
  const failure = useMutation(trpc.workflows.sendTaskFailure.mutationOptions({ onSuccess: done }));
  const m = kind === "success" ? success : failure;
  const fe = fieldErrorsOf(m.error);
  const ref = {
    tenant: tenant.slug,
    machine: e.machineName,
    execution: e.name,
    mapRun: e.mapRun,
    taskToken: token.taskToken,
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={kind === "success" ? `Send success to “${token.stateName}”` : `Send failure to “${token.stateName}”`}
      description={
        kind === "success"
          ? "The state finishes with this output and the execution goes on."
          : "The state fails with this error; its Retry and Catch apply."
      }
      footer={
        <FormDialogFooter
          formId="answer-form"
          submitLabel={kind === "success" ? "Send success" : "Send failure"}
          onCancel={onClose}
          loading={m.isPending}
        />
      }
    >
      <form
        id="answer-form"
        className="space-y-4"
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          if (kind === "success") success.mutate({ ...ref, output });
          else failure.mutate({ ...ref, error: error || undefined, cause: cause || undefined });
        }}
      >
        {kind === "success" ? (
          <FormField label="Output (JSON)" error={fe.output}>
            <Textarea
              rows={6}
              spellCheck={false}
              value={output}
              onChange={(ev) => setOutput(ev.target.value)}
              data-autofocus
            />
          </FormField>
        ) : (
          <>
            <FormField label="Error" error={fe.error}>
              <Input value={error} onChange={(ev) => setError(ev.target.value)} data-autofocus />
            </FormField>
            <FormField label="Cause" error={fe.cause}>
              <Textarea rows={3} className="font-sans" value={cause} onChange={(ev) => setCause(ev.target.value)} />
            </FormField>
          </>
        )}
        {m.error && !Object.keys(fe).length && <Alert tone="danger">{m.error.message}</Alert>}
      </form>
    </Dialog>
  );
}

function useRuns(e: ExecutionDetail) {
  return useMemo(() => {
    const runs = stateRuns(e.events, e.status);
    return { runs, statuses: stateStatuses(runs) };
  }, [e.events, e.status]);
}

function GraphTab({ e }: { e: ExecutionDetail }) {
  const { runs, statuses } = useRuns(e);
  const model = useMemo(() => {
    const d = parseDefinition(e.definition).definition;
    return d ? definitionToGraph(d) : null;
  }, [e.definition]);
  const [selected, setSelectedState] = useState<string | null>(null);
  const [iteration, setIteration] = useState<number | "all">("all");
  const setSelected = (s: string | null) => {
    setSelectedState(s);
    setIteration("all");
  };
  const all = runs.filter((r) => r.name === selected);
  const indices = [...new Set(all.map((r) => r.iteration).filter((i): i is number => i !== null))].sort(
    (a, b) => a - b,
  );
  const mine = iteration === "all" ? all : all.filter((r) => r.iteration === iteration);
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,7fr)_minmax(0,5fr)]">
      <div className="flex min-w-0 flex-col rounded-lg border border-gray-200 bg-white shadow-xs">
        <div className="flex h-[560px]">
          {model ? (
            <StateGraph model={model} statuses={statuses} selected={selected} onSelect={setSelected} />
          ) : (
            <p className="m-auto text-sm text-gray-500">The definition could not be drawn.</p>
          )}
        </div>
        <div className="border-t border-gray-200 px-4 py-2.5">
          <StatusLegend />
        </div>
      </div>
      <Card className="min-w-0" data-testid="state-details">
        {selected ? (
          <>
            <CardHeader
              title={selected}
              description={
                mine.length === 0 ? "This state has not run." : mine.length > 1 ? `Ran ${mine.length} times` : undefined
              }
            />
            <div className="space-y-4 px-5 py-4">
              {indices.length > 0 && (
                <label className="flex flex-wrap items-center gap-2 text-sm text-gray-600">
                  <span>Map iteration</span>
                  <div className="w-40">
                    <Select
                      aria-label="Map iteration"
                      value={String(iteration)}
                      onChange={(ev) => setIteration(ev.target.value === "all" ? "all" : Number(ev.target.value))}
                    >
                      <option value="all">All ({indices.length})</option>
                      {indices.map((i) => (
                        <option key={i} value={i}>
                          Index {i}
                        </option>
                      ))}
                    </Select>
                  </div>
                </label>
              )}
              {mine.map((r, i) => (
                <RunDetails
                  key={r.enteredEventId}
                  run={r}
                  index={mine.length > 1 ? i + 1 : null}
                  iteration={r.iteration}
                />
              ))}
            </div>
          </>
        ) : (
          <>
            <CardHeader
              title="State details"
              description="Click a state in the graph to see its input, output and variables."
            />
            <ul className="divide-y divide-gray-100">
              {runs.length === 0 && <li className="px-5 py-4 text-sm text-gray-500">No state has started yet.</li>}
              {runs.slice(-12).map((r) => (
                <li key={r.enteredEventId}>
                  <button
                    type="button"
                    className="flex w-full items-center justify-between gap-3 px-5 py-2.5 text-left hover:bg-gray-50"
                    onClick={() => setSelected(r.name)}
                  >
                    <span className="truncate text-sm font-medium text-gray-900">{r.name}</span>
                    <RunStatus run={r} />
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
    </div>
  );
}

function RunStatus({ run }: { run: StateRun }) {
  return (
    <span className={cn("shrink-0 rounded-full px-2 py-0.5 text-xs font-medium", STATUS_STYLE[run.status].chip)}>
      {STATUS_STYLE[run.status].label}
      {run.end !== null && ` · ${formatDuration(run.end - run.start)}`}
    </span>
  );
}

function RunDetails({ run, index, iteration }: { run: StateRun; index: number | null; iteration: number | null }) {
  const vars = run.variables && Object.keys(run.variables).length > 0 ? run.variables : null;
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm text-gray-600">
          {iteration !== null ? `Iteration ${iteration} · ` : index !== null ? `Run ${index} · ` : ""}
          {run.type}
        </span>
        <RunStatus run={run} />
      </div>
      {run.error && (
        <Alert tone={run.status === "caught" ? "warning" : "danger"} title={run.error}>
          <span className="break-all whitespace-pre-wrap">{run.cause}</span>
        </Alert>
      )}
      <CodeBlock title="Input" code={prettyJson(run.input) || "—"} />
      {run.output !== null && <CodeBlock title="Output" code={prettyJson(run.output)} />}
      {vars && (
        <CodeBlock
          title="Variables assigned"
          code={JSON.stringify(Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, safeParse(v)])), null, 2)}
        />
      )}
    </div>
  );
}

function safeParse(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

const BAR: Record<string, string> = {
  running: "bg-sky-500",
  succeeded: "bg-green-500",
  failed: "bg-red-500",
  caught: "bg-amber-500",
  aborted: "bg-gray-500",
};

function TimelineTab({ e }: { e: ExecutionDetail }) {
  const { runs } = useRuns(e);
  const [now] = useState(() => Date.now());
  const w = useMemo(
    () => waterfall(e.events, runs, e.status === "RUNNING" ? now : undefined),
    [e.events, runs, e.status, now],
  );
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Timeline"
          description={`Each state from entered to exited · ${formatDuration(w.span)} in all`}
        />
        {w.rows.length === 0 ? (
          <p className="px-5 py-6 text-sm text-gray-500">No state has started yet.</p>
        ) : (
          <div className="px-5 py-4" data-testid="waterfall">
            {w.rows.map((r) => (
              <div
                key={r.run.enteredEventId}
                className="grid grid-cols-[minmax(0,11rem)_minmax(0,1fr)_5rem] items-center gap-3 py-1"
                data-testid="waterfall-row"
              >
                <div className="min-w-0">
                  <div className="truncate text-sm font-medium text-gray-900" title={r.run.name}>
                    {r.run.name}
                  </div>
                  <div className="text-[11px] text-gray-500">{r.run.type}</div>
                </div>
                <div className="relative h-5 rounded bg-gray-50">
                  <div
                    className={cn(
                      "absolute top-1 h-3 rounded-sm",
                      BAR[r.run.status],
                      r.run.status === "running" && "animate-pulse",
                    )}
                    style={{ left: `${r.left * 100}%`, width: `${Math.min(r.width, 1 - r.left) * 100}%` }}
                    title={`${r.run.name}: ${formatDuration(r.duration)} (from +${formatDuration(r.offset)})`}
                  />
                </div>
                <div className="text-right text-xs text-gray-600 tabular-nums">{formatDuration(r.duration)}</div>
              </div>
            ))}
          </div>
        )}
      </Card>
      <Card>
        <CardHeader title="Events" description="The execution's history, as GetExecutionHistory returns it." />
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="History events">
            <thead className="bg-gray-50 text-left text-xs font-medium text-gray-500 uppercase">
              <tr>
                <th className="px-4 py-2">ID</th>
                <th className="px-4 py-2">Type</th>
                <th className="px-4 py-2">State</th>
                <th className="px-4 py-2">Elapsed</th>
                <th className="px-4 py-2">Time</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100">
              {e.events.map((ev) => {
                const d = detailsOf(ev);
                const first = new Date(e.events[0]?.timestamp ?? ev.timestamp).getTime();
                return (
                  <EventRow
                    key={ev.id}
                    id={ev.id}
                    type={ev.type}
                    state={typeof d?.name === "string" ? d.name : ""}
                    elapsed={formatDuration(new Date(ev.timestamp).getTime() - first)}
                    time={new Date(ev.timestamp).toISOString().replace("T", " ").replace("Z", "")}
                    details={d}
                    open={open === ev.id}
                    onToggle={() => setOpen(open === ev.id ? null : ev.id)}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}

function EventRow(p: {
  id: number;
  type: string;
  state: string;
  elapsed: string;
  time: string;
  details: Record<string, unknown> | null;
  open: boolean;
  onToggle: () => void;
}) {
  const tone = /Failed|TimedOut|Aborted/.test(p.type)
    ? "text-red-700"
    : /Succeeded|Exited/.test(p.type)
      ? "text-green-700"
      : "text-gray-900";
  return (
    <>
      <tr className="cursor-pointer hover:bg-gray-50" onClick={p.onToggle} aria-expanded={p.open}>
        <td className="px-4 py-2 tabular-nums text-gray-500">{p.id}</td>
        <td className={cn("px-4 py-2 font-medium", tone)}>{p.type}</td>
        <td className="px-4 py-2 text-gray-700">{p.state}</td>
        <td className="px-4 py-2 text-gray-600 tabular-nums">{p.elapsed}</td>
        <td className="px-4 py-2 font-mono text-xs text-gray-500">{p.time}</td>
      </tr>
      {p.open && p.details && (
        <tr>
          <td colSpan={5} className="bg-gray-50 px-4 py-3">
            <CodeBlock
              code={JSON.stringify(
                Object.fromEntries(
                  Object.entries(p.details).map(([k, v]) => [k, typeof v === "string" ? safeParse(v) : v]),
                ),
                null,
                2,
              )}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function IoTab({ e }: { e: ExecutionDetail }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <CodeBlock title="Execution input" code={prettyJson(e.input) || "—"} />
      <CodeBlock
        title="Execution output"
        code={e.output != null ? prettyJson(e.output) : e.status === "RUNNING" ? "(still running)" : "—"}
      />
    </div>
  );
}
