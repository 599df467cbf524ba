"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarClock, Plus, Workflow } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  LoadingBlock,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  buttonClasses,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import type { RuleView } from "./types";

export const ruleHref = (slug: string, bus: string, rule: string) =>
  tenantPath(slug, "event-buses", encodeURIComponent(bus), "rules", encodeURIComponent(rule));

/** One line that says what a rule listens for: the pattern's sources/detail types, or the schedule. */
export function ruleSummary(r: Pick<RuleView, "eventPattern" | "scheduleExpression">): string {
  const parts: string[] = [];
  if (r.scheduleExpression) parts.push(r.scheduleExpression);
  if (r.eventPattern) {
    try {
      const p = JSON.parse(r.eventPattern) as Record<string, unknown>;
      const list = (v: unknown) =>
        Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))) : [];
      const src = list(p.source);
      const dt = list(p["detail-type"]);
      const keys = Object.keys(p).filter((k) => k !== "source" && k !== "detail-type");
      parts.push(
        [src.length ? `source ${src.join(" | ")}` : null, dt.length ? `detail-type ${dt.join(" | ")}` : null]
          .filter(Boolean)
          .join(", ") + (keys.length ? `${src.length || dt.length ? " + " : ""}${keys.join(", ")}` : ""),
      );
    } catch {
      parts.push("event pattern");
    }
  }
  return parts.join(" · ");
}

export function RuleStateBadge({ state }: { state: string }) {
  return state === "DISABLED" ? <Badge>Disabled</Badge> : <Badge tone="success">Enabled</Badge>;
}

/** The bus's rules: what each listens for, its state and targets; enable/disable in place. */
export function RulesTab({ tenant, bus, canWrite }: { tenant: string; bus: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const { slug } = useCurrentTenant();
  const rules = useQuery(trpc.events.rules.queryOptions({ tenant, bus }));
  const setState = useMutation(
    trpc.events.setRuleState.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.events.rules.pathKey() });
        toast(`Rule “${r.name}” ${r.state === "DISABLED" ? "disabled" : "enabled"}`);
      },
      onError: (e) => toast(e.message, "danger"),
    }),
  );
  const create = canWrite && (
    <Link
      href={tenantPath(slug, "event-buses", encodeURIComponent(bus), "new-rule")}
      className={buttonClasses("primary")}
    >
      <Plus className="h-4 w-4" aria-hidden />
      Create rule
    </Link>
  );
  if (rules.isPending) return <LoadingBlock />;
  if (rules.error)
    return (
      <Alert tone="danger" title="Could not load rules">
        {rules.error.message}
      </Alert>
    );
  if (rules.data.length === 0)
    return (
      <EmptyState
        icon={<Workflow className="h-5 w-5" aria-hidden />}
        title="No rules on this bus"
        description={
          canWrite
            ? "A rule matches events by pattern (or fires on a schedule) and sends them to up to five targets. Build one in the editor and test its pattern against a sample event as you type."
            : "A rule matches events by pattern and sends them to its targets. A developer or admin of this team can create one."
        }
        action={create}
      />
    );
  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <p className="text-sm text-gray-500">
          {rules.data.length} {rules.data.length === 1 ? "rule" : "rules"} · each event goes to the targets of every
          enabled rule it matches.
        </p>
        {create}
      </div>
      <Table aria-label="Rules">
        <THead>
          <tr>
            <Th>Name</Th>
            <Th>Listens for</Th>
            <Th>Targets</Th>
            <Th>State</Th>
            {canWrite && <Th className="text-right">Actions</Th>}
          </tr>
        </THead>
        <TBody>
          {rules.data.map((r) => (
            <Tr
              key={r.arn}
              className="cursor-pointer"
              onClick={() => router.push(ruleHref(slug, bus, r.name))}
              data-testid={`rule-row-${r.name}`}
            >
              <Td className="max-w-[14rem]">
                <Link
                  href={ruleHref(slug, bus, r.name)}
                  className="block truncate font-medium text-accent-700 hover:underline"
                  onClick={(e) => e.stopPropagation()}
                >
                  {r.name}
                </Link>
                {r.description && <div className="truncate text-xs text-gray-500">{r.description}</div>}
              </Td>
              <Td className="max-w-md">
                <span className="flex items-center gap-1.5 truncate font-mono text-xs text-gray-700">
                  {r.scheduleExpression && <CalendarClock className="h-3.5 w-3.5 shrink-0 text-gray-400" aria-hidden />}
                  <span className="truncate">{ruleSummary(r)}</span>
                </span>
              </Td>
              <Td className="tabular-nums">{r.targets}</Td>
              <Td>
                <RuleStateBadge state={r.state} />
              </Td>
              {canWrite && (
                <Td className="text-right" onClick={(e) => e.stopPropagation()}>
                  <Button
                    size="sm"
                    variant="secondary"
                    loading={setState.isPending && setState.variables?.rule === r.name}
                    onClick={() => setState.mutate({ tenant, bus, rule: r.name, enabled: r.state === "DISABLED" })}
                  >
                    {r.state === "DISABLED" ? "Enable" : "Disable"}
                  </Button>
                </Td>
              )}
            </Tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
