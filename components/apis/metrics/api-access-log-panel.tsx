"use client";
import { useState, type FormEvent } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { ScrollText, Search } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  CodeBlock,
  Dialog,
  EmptyState,
  Input,
  KeyValue,
  LoadingBlock,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  fieldErrorsOf,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { formatMs } from "@/components/deliveries/time-range";

// An API's access log: every request the gateway finished (kept 7 days by default), newest
// first, searched by time range, stage, status (class or exact), method, path substring, request
// id, API key id and client IP; "Older" pages on with a keyset cursor; a row opens the full entry
// with the stage's formatted access-log line. Standalone ({tenant, apiId, stages}).

const RANGES = [
  { value: "1h", label: "Last hour", ms: 3600_000 },
  { value: "24h", label: "Last 24 hours", ms: 86400_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 86400_000 },
] as const;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"] as const;

type Filters = {
  range: (typeof RANGES)[number]["value"];
  stage: string;
  status: string;
  method: string;
  path: string;
  requestId: string;
  apiKeyId: string;
  ip: string;
};
const EMPTY: Filters = {
  range: "24h",
  stage: "",
  status: "",
  method: "",
  path: "",
  requestId: "",
  apiKeyId: "",
  ip: "",
};

function statusTone(s: number) {
  return s >= 500 ? "danger" : s >= 400 ? "warning" : s >= 300 ? "info" : "success";
}

export function ApiAccessLogPanel({ tenant, apiId, stages }: { tenant: string; apiId: string; stages: string[] }) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<{ f: Filters; at: number }>({ f: EMPTY, at: Date.now() });
  const [open, setOpen] = useState<string | null>(null);
  const f = applied.f;
  const status = f.status.trim();
  const input = {
    tenant,
    apiId,
    from: new Date(applied.at - RANGES.find((r) => r.value === f.range)!.ms).toISOString(),
    to: new Date(applied.at + 5_000).toISOString(),
    stage: f.stage || undefined,
    ...(/^[2-5]xx$/i.test(status)
      ? { statusClass: status.toLowerCase() as "2xx" }
      : status
        ? { status: Number(status) }
        : {}),
    method: (f.method || undefined) as (typeof METHODS)[number] | undefined,
    path: f.path.trim() || undefined,
    requestId: f.requestId.trim() || undefined,
    apiKeyId: f.apiKeyId.trim() || undefined,
    ip: f.ip.trim() || undefined,
    limit: 50,
  };
  const q = useInfiniteQuery(
    trpc.apis.accessLog.infiniteQueryOptions(input, {
      initialCursor: undefined as string | undefined,
      getNextPageParam: (last) => last.nextCursor ?? undefined,
    }),
  );
  const entries = q.data?.pages.flatMap((p) => p.entries) ?? [];
  const selected = entries.find((e) => e.id === open) ?? null;
  const errors = fieldErrorsOf(q.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ f: draft, at: Date.now() });
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  return (
    <div className="space-y-4" data-testid="api-access-log">
      <form
        onSubmit={submit}
        className="grid gap-3 rounded-lg border border-gray-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
        aria-label="Search the access log"
      >
        <Select aria-label="Time range" value={draft.range} onChange={set("range")}>
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </Select>
        <Select aria-label="Stage" value={draft.stage} onChange={set("stage")}>
          <option value="">All stages</option>
          {stages.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
        <Input
          aria-label="Status"
          placeholder="Status: 404 or 5xx"
          value={draft.status}
          onChange={set("status")}
          invalid={!!errors?.status || !!errors?.statusClass}
        />
        <Select aria-label="Method" value={draft.method} onChange={set("method")}>
          <option value="">Any method</option>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </Select>
        <Input aria-label="Path contains" placeholder="Path contains" value={draft.path} onChange={set("path")} />
        <Input aria-label="Request ID" placeholder="Request ID" value={draft.requestId} onChange={set("requestId")} />
        <Input aria-label="API key ID" placeholder="API key ID" value={draft.apiKeyId} onChange={set("apiKeyId")} />
        <div className="flex gap-2">
          <Input aria-label="Client IP" placeholder="Client IP" value={draft.ip} onChange={set("ip")} />
          <Button type="submit">
            <Search className="h-4 w-4" aria-hidden />
            Search
          </Button>
        </div>
      </form>
      {q.error && (
        <Alert tone="danger" title="Could not search the access log">
          {errors ? Object.values(errors).flat().join(" ") : q.error.message}
        </Alert>
      )}
      {q.isPending ? (
        <LoadingBlock />
      ) : entries.length === 0 ? (
        !q.error && (
          <EmptyState
            icon={<ScrollText className="h-6 w-6" aria-hidden />}
            title="No requests match"
            description="Every request a deployed stage answers is logged here within a few seconds (kept 7 days)."
          />
        )
      ) : (
        <>
          <Table>
            <THead>
              <Tr>
                <Th>Time</Th>
                <Th>Method</Th>
                <Th>Path</Th>
                <Th>Status</Th>
                <Th className="text-right">Latency</Th>
                <Th className="text-right">Integration</Th>
                <Th>Cache</Th>
                <Th>Client IP</Th>
                <Th>Stage</Th>
              </Tr>
            </THead>
            <TBody>
              {entries.map((e) => (
                <Tr
                  key={e.id}
                  className="cursor-pointer hover:bg-gray-50"
                  onClick={() => setOpen(e.id)}
                  tabIndex={0}
                  onKeyDown={(k) => (k.key === "Enter" ? setOpen(e.id) : undefined)}
                  aria-label={`Request ${e.requestId}`}
                >
                  <Td className="whitespace-nowrap text-xs tabular-nums">{new Date(e.time).toLocaleString()}</Td>
                  <Td className="font-mono text-xs">{e.method}</Td>
                  <Td className="max-w-64 truncate font-mono text-xs" title={e.path}>
                    {e.path}
                  </Td>
                  <Td>
                    <Badge tone={statusTone(e.status)}>{e.status}</Badge>
                  </Td>
                  <Td className="text-right text-xs tabular-nums">{formatMs(e.latencyMs)}</Td>
                  <Td className="text-right text-xs tabular-nums">{formatMs(e.integrationLatencyMs)}</Td>
                  <Td className="text-xs">{e.cache ?? "—"}</Td>
                  <Td className="font-mono text-xs">{e.sourceIp ?? "—"}</Td>
                  <Td className="text-xs">{e.stage}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          <div className="flex items-center justify-between text-sm text-gray-500">
            <span>
              {entries.length} request{entries.length === 1 ? "" : "s"} shown, newest first
            </span>
            {q.hasNextPage && (
              <Button variant="secondary" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
                Older
              </Button>
            )}
          </div>
        </>
      )}
      <Dialog open={!!selected} onClose={() => setOpen(null)} title="Access log entry" size="lg">
        {selected && (
          <div className="space-y-4">
            <KeyValue
              items={[
                { label: "Time", value: new Date(selected.time).toISOString() },
                { label: "Request ID", value: <span className="font-mono">{selected.requestId}</span> },
                { label: "Stage", value: selected.stage },
                {
                  label: "Method and path",
                  value: <span className="font-mono">{`${selected.method} ${selected.path}`}</span>,
                },
                { label: "Resource", value: <span className="font-mono">{selected.resource ?? "— (no match)"}</span> },
                { label: "Status", value: String(selected.status) },
                { label: "Latency", value: formatMs(selected.latencyMs) },
                { label: "Integration latency", value: formatMs(selected.integrationLatencyMs) },
                { label: "Cache", value: selected.cache ?? "—" },
                {
                  label: "Response length",
                  value: selected.responseLength === null ? "—" : `${selected.responseLength} bytes`,
                },
                { label: "Client IP", value: selected.sourceIp ?? "—" },
                { label: "API key ID", value: selected.apiKeyId ?? "—" },
                { label: "User agent", value: selected.userAgent ?? "—" },
              ]}
            />
            {selected.line ? (
              <CodeBlock title="The stage's access log line" code={selected.line} wrap />
            ) : (
              <p className="text-xs text-gray-500">
                This stage has no access log format (accessLogSettings), so there is no formatted line.
              </p>
            )}
          </div>
        )}
      </Dialog>
    </div>
  );
}
