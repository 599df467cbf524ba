"use client";
import { Fragment, useMemo, useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { ChevronDown, ChevronRight, ScrollText } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  FormField,
  Input,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  Select,
  Table,
  TableEmptyRow,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  MiddleTruncate,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";

// The kind of thing an entry is about, as people say it.
const TARGET_NOUN: Record<string, string> = {
  queue: "queue",
  topic: "topic",
  subscription: "subscription",
  api_key: "API key",
  invite: "invite",
  user: "member",
  tenant: "team",
  delivery: "delivery to",
  delivery_resend: "resend",
};

const PERIODS = [
  { value: "", label: "Any time" },
  { value: "1", label: "Last hour" },
  { value: "24", label: "Last 24 hours" },
  { value: String(24 * 7), label: "Last 7 days" },
  { value: String(24 * 30), label: "Last 30 days" },
];

/** "member.role_change" → prefix options "member." plus the full actions, for the filter. */
function actionOptions(actions: string[]): { value: string; label: string }[] {
  const prefixes = [...new Set(actions.map((a) => a.split(".")[0]))].sort();
  return [
    ...prefixes.map((p) => ({ value: `${p}.`, label: `${p}.* (all)` })),
    ...actions.map((a) => ({ value: a, label: a })),
  ];
}

function Summary({ summary }: { summary: unknown }) {
  if (summary === null || summary === undefined) return <p className="text-sm text-gray-500">No details recorded.</p>;
  const s = summary as { before?: unknown; after?: unknown };
  const parts: [string, unknown][] =
    s && typeof s === "object" && ("before" in s || "after" in s)
      ? (
          [
            ["Before", s.before],
            ["After", s.after],
          ] as [string, unknown][]
        ).filter(([, v]) => v !== undefined)
      : [["Details", summary]];
  return (
    <div className="grid gap-3 md:grid-cols-2">
      {parts.map(([label, v]) => (
        <div key={label}>
          <div className="mb-1 text-xs font-medium text-gray-500 uppercase">{label}</div>
          <pre className="overflow-x-auto rounded-md border border-gray-200 bg-white p-3 font-mono text-xs text-gray-800">
            {JSON.stringify(v, null, 2)}
          </pre>
        </div>
      ))}
    </div>
  );
}

export function AuditView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const { can } = usePermissions();
  const [action, setAction] = useState("");
  const [actorDraft, setActorDraft] = useState("");
  const [actor, setActor] = useState("");
  const [period, setPeriod] = useState("");
  // Fixed when the period is chosen, so the query key stays stable.
  const [since, setSince] = useState<Date | undefined>(undefined);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const input = { tenant: tenant.slug, action: action || undefined, actor: actor || undefined, since, limit: 25 };
  const q = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(input, { getNextPageParam: (p) => p.nextCursor ?? undefined }),
    enabled: can("audit:read"),
  });
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const actions = q.data?.pages[0]?.actions ?? [];
  const filtered = !!(action || actor || since);

  if (!can("audit:read"))
    return (
      <div>
        <PageHeader title="Audit log" />
        <EmptyState
          icon={<ScrollText className="h-5 w-5" aria-hidden />}
          title="Owners and admins only"
          description="Your role does not include reading the audit log. Ask an owner or admin of this team."
        />
      </div>
    );

  return (
    <div>
      <PageHeader
        title="Audit log"
        description="Every change made in this team: by whom, when, and what it looked like before and after. Secrets and message bodies are never recorded."
      />
      <form
        className="mb-4 grid gap-3 rounded-lg border border-gray-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_12rem_auto] lg:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          setActor(actorDraft.trim());
        }}
      >
        <FormField label="Action">
          <Select value={action} onChange={(e) => setAction(e.target.value)} name="action">
            <option value="">All actions</option>
            {actionOptions(actions).map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </FormField>
        <FormField label="Actor">
          <Input
            value={actorDraft}
            onChange={(e) => setActorDraft(e.target.value)}
            onBlur={() => setActor(actorDraft.trim())}
            placeholder="Email or key id"
            name="actor"
          />
        </FormField>
        <FormField label="Time">
          <Select
            value={period}
            name="period"
            onChange={(e) => {
              setPeriod(e.target.value);
              setSince(e.target.value ? new Date(Date.now() - Number(e.target.value) * 3600_000) : undefined);
            }}
          >
            {PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </Select>
        </FormField>
        <div className="flex gap-2">
          <Button type="submit" variant="secondary">
            Apply
          </Button>
          {filtered && (
            <Button
              variant="ghost"
              onClick={() => {
                setAction("");
                setActor("");
                setActorDraft("");
                setPeriod("");
                setSince(undefined);
              }}
            >
              Clear
            </Button>
          )}
        </div>
      </form>

      {q.isPending ? (
        <LoadingBlock />
      ) : q.error ? (
        <Alert tone="danger" title="Could not load the audit log">
          {q.error.message}
        </Alert>
      ) : (
        <>
          <Table aria-label="Audit log">
            <THead>
              <tr>
                <Th className="w-8">
                  <span className="sr-only">Details</span>
                </Th>
                <Th>When</Th>
                <Th>Action</Th>
                <Th className="hidden sm:table-cell">Actor</Th>
                <Th className="hidden md:table-cell">Target</Th>
              </tr>
            </THead>
            <TBody>
              {rows.length === 0 && (
                <TableEmptyRow colSpan={5}>
                  {filtered ? "No entries match these filters." : "Nothing has happened in this team yet."}
                </TableEmptyRow>
              )}
              {rows.map((r) => {
                const isOpen = open.has(r.id);
                const toggle = () =>
                  setOpen((s) => {
                    const n = new Set(s);
                    if (n.has(r.id)) n.delete(r.id);
                    else n.add(r.id);
                    return n;
                  });
                return (
                  <Fragment key={r.id}>
                    <Tr className="cursor-pointer" onClick={toggle}>
                      <Td className="pr-0">
                        <button
                          type="button"
                          aria-expanded={isOpen}
                          aria-label={isOpen ? "Hide details" : "Show details"}
                          onClick={(e) => {
                            e.stopPropagation();
                            toggle();
                          }}
                          className="rounded p-1 text-gray-400 hover:bg-gray-100 hover:text-gray-700"
                        >
                          {isOpen ? (
                            <ChevronDown className="h-4 w-4" aria-hidden />
                          ) : (
                            <ChevronRight className="h-4 w-4" aria-hidden />
                          )}
                        </button>
                      </Td>
                      <Td>
                        <RelativeTime date={r.createdAt} />
                      </Td>
                      <Td>
                        <Badge tone="accent" className="font-mono">
                          {r.action}
                        </Badge>
                        <div className="mt-1 max-w-[12rem] truncate text-xs text-gray-500 sm:hidden">
                          {r.actorLabel ?? "—"}
                        </div>
                        {r.targetLabel && (
                          <div className="mt-0.5 max-w-[12rem] text-xs text-gray-700 md:hidden">
                            <MiddleTruncate value={r.targetLabel} />
                          </div>
                        )}
                      </Td>
                      <Td className="hidden sm:table-cell">
                        <div className="max-w-[16rem] truncate text-gray-900">{r.actorLabel ?? "—"}</div>
                        <div className="text-xs text-gray-500">{r.actorType.replace("_", " ")}</div>
                      </Td>
                      <Td className="hidden text-xs md:table-cell">
                        {r.targetType ? (
                          <div className="w-56 lg:w-64" title={`${r.targetType} ${r.targetId ?? ""}`}>
                            <span className="text-gray-500">
                              {TARGET_NOUN[r.targetType] ?? r.targetType.replace("_", " ")}
                            </span>{" "}
                            {r.targetLabel ? (
                              <MiddleTruncate value={r.targetLabel} className="font-medium text-gray-900" />
                            ) : (
                              <MiddleTruncate value={r.targetId ?? ""} className="font-mono text-gray-700" />
                            )}
                          </div>
                        ) : (
                          "—"
                        )}
                      </Td>
                    </Tr>
                    {isOpen && (
                      <tr className="bg-gray-50">
                        <td colSpan={5} className="px-4 py-4">
                          <Summary summary={r.summary} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </TBody>
          </Table>
          <div className="mt-4 flex items-center justify-between text-sm text-gray-500">
            <span>
              {rows.length} {rows.length === 1 ? "entry" : "entries"} shown
            </span>
            {q.hasNextPage && (
              <Button variant="secondary" onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
                Load older entries
              </Button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
