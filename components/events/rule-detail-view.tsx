"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Pencil, Plus, Target, Trash2, Workflow } from "lucide-react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  ConfirmDialog,
  CopyButton,
  EmptyState,
  LoadingBlock,
  MiddleTruncate,
  Tabs,
  buttonClasses,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { busHref } from "./bus-list-view";
import { RuleEditor } from "./rule-editor";
import { RuleStateBadge, ruleHref } from "./rules-tab";
import { TargetDialog } from "./target-dialog";
import { RuleMetrics } from "./rule-metrics";
import type { RuleDetail, TargetView } from "./types";

const TABS = ["definition", "targets", "monitoring"] as const;
type TabId = (typeof TABS)[number];

function Back({ slug, bus }: { slug: string; bus: string }) {
  return (
    <Link
      href={busHref(slug, bus)}
      className="mb-3 inline-flex items-center gap-1 text-sm text-gray-500 hover:text-gray-800"
    >
      <ArrowLeft className="h-4 w-4" aria-hidden />
      {bus}
    </Link>
  );
}

/** /t/<slug>/event-buses/<bus>/rules/new */
export function NewRuleView({ bus }: { bus: string }) {
  const tenant = useCurrentTenant();
  const router = useRouter();
  const { can } = usePermissions();
  return (
    <div>
      <Back slug={tenant.slug} bus={bus} />
      <h1 className="mb-6 text-2xl font-semibold tracking-tight text-gray-900">Create rule on “{bus}”</h1>
      <RuleEditor
        tenant={tenant.slug}
        bus={bus}
        rule={null}
        canWrite={can("resource:write")}
        onSaved={(r) => router.push(ruleHref(tenant.slug, bus, r.name) + "?tab=targets")}
      />
    </div>
  );
}

/** /t/<slug>/event-buses/<bus>/rules/<rule>: the rule's definition, its targets and its metrics. */
export function RuleDetailView({ bus, name, initialTab }: { bus: string; name: string; initialTab?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can } = usePermissions();
  const write = can("resource:write");
  const rule = useQuery(trpc.events.rule.queryOptions({ tenant: tenant.slug, bus, rule: name }));
  const [tab, setTab] = useState<TabId>(TABS.includes(initialTab as TabId) ? (initialTab as TabId) : "definition");
  const [deleting, setDeleting] = useState(false);
  const del = useMutation(
    trpc.events.deleteRule.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.events.rules.pathKey() });
        toast(`Rule “${name}” deleted`);
        router.push(busHref(tenant.slug, bus));
      },
    }),
  );
  const switchTab = (id: string) => {
    setTab(id as TabId);
    const url = new URL(window.location.href);
    url.searchParams.set("tab", id);
    window.history.replaceState(null, "", url.toString());
  };
  if (rule.isPending)
    return (
      <div>
        <Back slug={tenant.slug} bus={bus} />
        <LoadingBlock />
      </div>
    );
  if (rule.error)
    return (
      <div>
        <Back slug={tenant.slug} bus={bus} />
        {rule.error.data?.code === "NOT_FOUND" ? (
          <EmptyState
            icon={<Workflow className="h-5 w-5" aria-hidden />}
            title={`There is no rule “${name}” on “${bus}”`}
            description="It may have been deleted, or the link has a typo."
            action={
              <Link href={busHref(tenant.slug, bus)} className={buttonClasses("secondary")}>
                Rules of {bus}
              </Link>
            }
          />
        ) : (
          <Alert tone="danger" title="Could not load the rule">
            {rule.error.message}
          </Alert>
        )}
      </div>
    );
  const r = rule.data;
  return (
    <div>
      <Back slug={tenant.slug} bus={bus} />
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="min-w-0 text-2xl font-semibold tracking-tight break-all text-gray-900">{r.name}</h1>
            <RuleStateBadge state={r.state} />
          </div>
          {r.description && <p className="mt-1 text-sm text-gray-500">{r.description}</p>}
          <div className="mt-3 flex max-w-full flex-wrap items-center gap-2">
            <code
              className="max-w-full min-w-0 rounded-md border border-gray-200 bg-gray-50 px-2.5 py-1.5 font-mono text-xs break-all text-gray-800 select-all sm:truncate"
              title={r.arn}
            >
              {r.arn}
            </code>
            <CopyButton value={r.arn} label="Copy ARN" />
          </div>
        </div>
        {write && (
          <Button variant="ghost" size="sm" className="text-red-600 hover:bg-red-50" onClick={() => setDeleting(true)}>
            <Trash2 className="h-4 w-4" aria-hidden />
            Delete rule
          </Button>
        )}
      </div>
      <Tabs
        value={tab}
        onChange={switchTab}
        items={[
          {
            id: "definition",
            label: r.scheduleExpression && !r.eventPattern ? "Schedule" : "Pattern",
            content: (
              <RuleEditor
                key={`${r.eventPattern}|${r.scheduleExpression}|${r.state}`}
                tenant={tenant.slug}
                bus={bus}
                rule={r}
                canWrite={write}
                onSaved={() => undefined}
              />
            ),
          },
          {
            id: "targets",
            label: `Targets (${r.targets.length})`,
            content: <TargetsTab tenant={tenant.slug} bus={bus} rule={r} canWrite={write} />,
          },
          {
            id: "monitoring",
            label: "Monitoring",
            content: <RuleMetrics tenant={tenant.slug} bus={bus} rule={r.name} />,
          },
        ]}
      />
      <ConfirmDialog
        open={deleting}
        onClose={() => {
          del.reset();
          setDeleting(false);
        }}
        onConfirm={() => del.mutate({ tenant: tenant.slug, bus, rule: r.name, force: r.targets.length > 0 })}
        loading={del.isPending}
        title={`Delete “${r.name}”?`}
        confirmLabel="Delete rule"
        error={del.error?.message}
      >
        <p>
          {r.targets.length > 0
            ? `Its ${r.targets.length === 1 ? "target is" : `${r.targets.length} targets are`} removed first, then the rule. `
            : ""}
          Events stop matching it at once; deliveries already made stay where they are.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function TargetsTab({
  tenant,
  bus,
  rule,
  canWrite,
}: {
  tenant: string;
  bus: string;
  rule: RuleDetail;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const { slug } = useCurrentTenant();
  const [editing, setEditing] = useState<TargetView | "new" | null>(null);
  const [removing, setRemoving] = useState<TargetView | null>(null);
  const remove = useMutation(
    trpc.events.removeTarget.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.events.rule.pathKey() });
        toast(`Target “${removing?.id}” removed`);
        setRemoving(null);
      },
    }),
  );
  const full = rule.targets.length >= 5;
  const add = canWrite && (
    <Button
      size="sm"
      onClick={() => setEditing("new")}
      disabled={full}
      title={full ? "A rule has at most 5 targets." : undefined}
    >
      <Plus className="h-4 w-4" aria-hidden />
      Add target
    </Button>
  );
  return (
    <div className="space-y-4">
      {rule.targets.length === 0 ? (
        <EmptyState
          icon={<Target className="h-5 w-5" aria-hidden />}
          title="No targets yet"
          description="The rule matches events but sends them nowhere. Add a queue, topic, another bus or a function (up to five)."
          action={add}
        />
      ) : (
        <>
          <div className="flex items-center justify-between">
            <p className="text-sm text-gray-500">
              {rule.targets.length} of 5 targets · each matching event is delivered to every target.
            </p>
            {add}
          </div>
          <div className="grid gap-3 lg:grid-cols-2">
            {rule.targets.map((t) => (
              <Card key={t.id} data-testid={`target-${t.id}`}>
                <CardHeader
                  title={t.id}
                  description={<MiddleTruncate value={t.arn} className="font-mono text-xs" />}
                  actions={
                    canWrite && (
                      <div className="flex gap-1">
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Edit target ${t.id}`}
                          onClick={() => setEditing(t)}
                        >
                          <Pencil className="h-4 w-4" aria-hidden />
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          className="text-red-600 hover:bg-red-50"
                          aria-label={`Remove target ${t.id}`}
                          onClick={() => setRemoving(t)}
                        >
                          <Trash2 className="h-4 w-4" aria-hidden />
                        </Button>
                      </div>
                    )
                  }
                />
                <CardBody className="space-y-1 text-xs text-gray-600">
                  <p>
                    Sends:{" "}
                    {t.inputTransformer
                      ? "input transformer"
                      : t.input != null
                        ? "a constant"
                        : t.inputPath
                          ? `part of the event (${t.inputPath})`
                          : "the matched event"}
                    {t.messageGroupId && ` · message group ${t.messageGroupId}`}
                  </p>
                  <p>
                    Retries: {t.retryPolicy?.maximumRetryAttempts ?? 185} attempts within{" "}
                    {(t.retryPolicy?.maximumEventAgeInSeconds ?? 86400).toLocaleString()} s
                    {t.deadLetterArn
                      ? ` · dead letters to ${t.deadLetterArn.split(":").pop()}`
                      : " · no dead-letter queue"}
                  </p>
                  <p>
                    <Link
                      className="text-accent-700 hover:underline"
                      href={`${tenantPath(slug, "deliveries")}?source=${encodeURIComponent(rule.arn)}`}
                    >
                      Deliveries from this rule
                    </Link>
                  </p>
                </CardBody>
              </Card>
            ))}
          </div>
        </>
      )}
      {editing && (
        <TargetDialog
          open
          onClose={() => setEditing(null)}
          tenant={tenant}
          bus={bus}
          rule={rule.name}
          ruleArn={rule.arn}
          target={editing === "new" ? null : editing}
        />
      )}
      <ConfirmDialog
        open={!!removing}
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
        onConfirm={() => removing && remove.mutate({ tenant, bus, rule: rule.name, id: removing.id })}
        loading={remove.isPending}
        title={`Remove target “${removing?.id}”?`}
        confirmLabel="Remove target"
        error={remove.error?.message}
      >
        <p>Matching events stop going there. Deliveries in progress finish.</p>
      </ConfirmDialog>
    </div>
  );
}
