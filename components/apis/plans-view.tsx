"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Gauge, Plus } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  DeleteConfirm,
  Dialog,
  EmptyState,
  FormDialogFooter,
  FormField,
  Input,
  LoadingBlock,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { PlanView } from "./types";
import { ThrottleFields, throttleIsValid } from "./throttle-fields";

const COLORS = ["#6366f1", "#16a34a", "#f59e0b", "#dc2626", "#0ea5e9", "#a855f7"];
const numOrNull = (s: string) => (s.trim() === "" ? null : Number(s));

/** Usage plans: throttle and quota for the keys on the plan's API stages, and each key's requests per day. */
export function PlansView({ tenant, canWrite }: { tenant: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const plans = useQuery(trpc.apis.plans.queryOptions({ tenant }));
  const [creating, setCreating] = useState(false);
  const createButton = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create usage plan
    </Button>
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-sm text-gray-500">
          A usage plan limits each of its keys on its API stages: a steady rate with a burst (429 Too Many Requests
          beyond) and a quota per day, week or month.
        </p>
        {plans.data?.length ? createButton : null}
      </div>
      {plans.isPending ? (
        <LoadingBlock />
      ) : plans.error ? (
        <Alert tone="danger" title="Could not load usage plans">
          {plans.error.message}
        </Alert>
      ) : plans.data.length === 0 ? (
        <EmptyState
          icon={<Gauge className="h-5 w-5" aria-hidden />}
          title="No usage plans yet"
          description="Create a plan, attach API stages and keys, and callers with those keys are metered."
          action={createButton}
        />
      ) : (
        plans.data.map((p) => <PlanCard key={p.id} plan={p} tenant={tenant} canWrite={canWrite} />)
      )}
      {canWrite && <CreatePlanDialog open={creating} onClose={() => setCreating(false)} tenant={tenant} />}
    </div>
  );
}

function PlanCard({ plan, tenant, canWrite }: { plan: PlanView; tenant: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const keys = useQuery({ ...trpc.apis.keys.queryOptions({ tenant }), enabled: canWrite });
  const stages = useQuery({ ...trpc.apis.stageChoices.queryOptions({ tenant }), enabled: canWrite });
  const [keyId, setKeyId] = useState("");
  const [stage, setStage] = useState("");
  const [deleting, setDeleting] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.plans.pathKey() });
  const planKey = useMutation(
    trpc.apis.planKey.mutationOptions({ onSuccess: async () => (await refresh(), setKeyId("")) }),
  );
  const planStage = useMutation(
    trpc.apis.planStage.mutationOptions({ onSuccess: async () => (await refresh(), setStage("")) }),
  );
  const del = useMutation(
    trpc.apis.deletePlan.mutationOptions({ onSuccess: async () => (await refresh(), toast("Usage plan deleted")) }),
  );
  const keyErr = fieldErrorsOf(planKey.error).keyId ?? (planKey.error ? [planKey.error.message] : undefined);
  const stageErr = fieldErrorsOf(planStage.error).stage ?? (planStage.error ? [planStage.error.message] : undefined);
  return (
    <Card data-testid={`plan-${plan.name}`}>
      <CardHeader
        title={plan.name}
        description={
          <>
            {plan.throttle
              ? `${plan.throttle.rateLimit ?? "∞"} requests/s, burst ${plan.throttle.burstLimit ?? "∞"}`
              : "No throttle"}
            {" · "}
            {plan.quota
              ? `${plan.quota.limit.toLocaleString()} requests per ${plan.quota.period.toLowerCase()}`
              : "No quota"}
          </>
        }
        actions={
          canWrite && (
            <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          )
        }
      />
      <CardBody className="space-y-5">
        <div className="grid gap-5 md:grid-cols-2">
          <section>
            <h3 className="mb-2 text-sm font-medium text-gray-700">API stages</h3>
            <div className="flex flex-wrap gap-2">
              {plan.apiStages.length === 0 && (
                <span className="text-sm text-gray-500">None: its keys reach nothing yet.</span>
              )}
              {plan.apiStages.map((s) => (
                <Badge key={`${s.apiId}:${s.stage}`} tone="accent">
                  {stages.data?.find((c) => c.apiId === s.apiId)?.apiName ?? s.apiId} · {s.stage}
                  {canWrite && (
                    <button
                      type="button"
                      aria-label={`Remove stage ${s.stage}`}
                      className="ml-1 text-gray-500 hover:text-red-700"
                      onClick={() =>
                        planStage.mutate({ tenant, planId: plan.id, apiId: s.apiId, stage: s.stage, add: false })
                      }
                    >
                      ×
                    </button>
                  )}
                </Badge>
              ))}
            </div>
            {canWrite && (
              <form
                className="mt-2 flex gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  const [apiId, st] = stage.split("\n");
                  if (apiId && st) planStage.mutate({ tenant, planId: plan.id, apiId, stage: st, add: true });
                }}
              >
                <Select
                  aria-label="API stage to add"
                  value={stage}
                  onChange={(e) => setStage(e.target.value)}
                  invalid={!!stageErr}
                >
                  <option value="">Add an API stage…</option>
                  {stages.data
                    ?.filter((c) => !plan.apiStages.some((s) => s.apiId === c.apiId && s.stage === c.stage))
                    .map((c) => (
                      <option key={`${c.apiId}:${c.stage}`} value={`${c.apiId}\n${c.stage}`}>
                        {c.apiName} · {c.stage}
                      </option>
                    ))}
                </Select>
                <Button type="submit" variant="secondary" disabled={!stage} loading={planStage.isPending}>
                  Add
                </Button>
              </form>
            )}
            {stageErr && <p className="mt-1 text-xs text-red-700">{stageErr[0]}</p>}
          </section>
          <section>
            <h3 className="mb-2 text-sm font-medium text-gray-700">Keys</h3>
            <div className="flex flex-wrap gap-2">
              {plan.keys.length === 0 && <span className="text-sm text-gray-500">No keys yet.</span>}
              {plan.keys.map((k) => (
                <Badge key={k.id} tone={k.enabled ? "neutral" : "warning"}>
                  {k.name}
                  {canWrite && (
                    <button
                      type="button"
                      aria-label={`Remove key ${k.name}`}
                      className="ml-1 text-gray-500 hover:text-red-700"
                      onClick={() => planKey.mutate({ tenant, planId: plan.id, keyId: k.id, add: false })}
                    >
                      ×
                    </button>
                  )}
                </Badge>
              ))}
            </div>
            {canWrite && (
              <form
                className="mt-2 flex gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  planKey.mutate({ tenant, planId: plan.id, keyId, add: true });
                }}
              >
                <Select
                  aria-label="Key to add"
                  value={keyId}
                  onChange={(e) => setKeyId(e.target.value)}
                  invalid={!!keyErr}
                >
                  <option value="">Add a key…</option>
                  {keys.data
                    ?.filter((k) => !plan.keys.some((p) => p.id === k.id))
                    .map((k) => (
                      <option key={k.id} value={k.id}>
                        {k.name}
                      </option>
                    ))}
                </Select>
                <Button type="submit" variant="secondary" disabled={!keyId} loading={planKey.isPending}>
                  Add
                </Button>
              </form>
            )}
            {keyErr && <p className="mt-1 text-xs text-red-700">{keyErr[0]}</p>}
          </section>
        </div>
        {plan.keys.length > 0 && <UsageChart tenant={tenant} plan={plan} />}
      </CardBody>
      <DeleteConfirm
        item={deleting ? plan : null}
        onClose={() => setDeleting(false)}
        mutation={del}
        variables={(p) => ({ tenant, id: p.id })}
        title={(p) => `Delete usage plan “${p.name}”?`}
        confirmLabel="Delete plan"
      >
        Its keys stop working on its API stages (methods that require a key answer 403).
      </DeleteConfirm>
    </Card>
  );
}

/** Requests per key per day over the last 30 days (GetUsage), zoomed to the first day with data. */
function UsageChart({ tenant, plan }: { tenant: string; plan: PlanView }) {
  const trpc = useTRPC();
  const usage = useQuery({
    ...trpc.apis.usage.queryOptions({ tenant, planId: plan.id, days: 30 }),
    refetchInterval: 15_000,
  });
  if (usage.isPending) return <LoadingBlock />;
  if (usage.error) return <Alert tone="danger">{usage.error.message}</Alert>;
  const name = (id: string) => plan.keys.find((k) => k.id === id)?.name ?? id;
  const { rows, keys, totals, remaining } = usage.data;
  return (
    <section aria-label="Usage" data-testid={`usage-${plan.name}`}>
      <h3 className="mb-2 text-sm font-medium text-gray-700">Requests per day (UTC)</h3>
      <div className="h-48 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
            <XAxis
              dataKey="day"
              tick={{ fontSize: 11, fill: "#6b7280" }}
              tickFormatter={(d: string) => d.slice(5)}
              tickLine={false}
            />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#6b7280" }} tickLine={false} axisLine={false} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {keys.map((k, i) => (
              <Bar
                key={k}
                dataKey={k}
                name={name(k)}
                stackId="keys"
                fill={COLORS[i % COLORS.length]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Table aria-label={`Usage of ${plan.name}`}>
        <THead>
          <tr>
            <Th>Key</Th>
            <Th className="text-right">Requests</Th>
            <Th className="text-right">Quota left</Th>
          </tr>
        </THead>
        <TBody>
          {keys.map((k) => (
            <Tr key={k} data-testid={`usage-row-${name(k)}`}>
              <Td>{name(k)}</Td>
              <Td className="text-right tabular-nums" data-testid="usage-total">
                {totals[k].toLocaleString()}
              </Td>
              <Td className="text-right tabular-nums">{plan.quota ? remaining[k].toLocaleString() : "—"}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </section>
  );
}

function CreatePlanDialog({ open, onClose, tenant }: { open: boolean; onClose: () => void; tenant: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const keys = useQuery(trpc.apis.keys.queryOptions({ tenant }));
  const stages = useQuery(trpc.apis.stageChoices.queryOptions({ tenant }));
  const [f, setF] = useState({
    name: "",
    rate: "10",
    burst: "20",
    quota: "",
    period: "MONTH" as "DAY" | "WEEK" | "MONTH",
  });
  const [picked, setPicked] = useState<string[]>([]);
  const [pickedKeys, setPickedKeys] = useState<string[]>([]);
  const create = useMutation(
    trpc.apis.createPlan.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.plans.pathKey() });
        toast(`Usage plan “${f.name}” created`);
        setF({ ...f, name: "" });
        setPicked([]);
        setPickedKeys([]);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => (create.reset(), onClose());
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create usage plan"
      size="lg"
      footer={
        <FormDialogFooter
          formId="create-plan-form"
          submitLabel="Create plan"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-plan-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!throttleIsValid(f)) return;
          create.mutate({
            tenant,
            name: f.name.trim(),
            rateLimit: numOrNull(f.rate),
            burstLimit: numOrNull(f.burst),
            quotaLimit: numOrNull(f.quota),
            quotaPeriod: f.period,
            apiStages: picked.map((p) => {
              const [apiId, stage] = p.split("\n");
              return { apiId, stage };
            }),
            keyIds: pickedKeys,
          });
        }}
      >
        <FormField label="Name" error={fe.name}>
          <Input name="name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} data-autofocus />
        </FormField>
        <div className="grid gap-4 sm:grid-cols-2">
          <ThrottleFields
            value={{ rate: f.rate, burst: f.burst }}
            onChange={(d) => setF({ ...f, ...d })}
            errors={{ rate: fe.rateLimit, burst: fe.burstLimit }}
            labels={{ rate: "Rate (requests per second)", burst: "Burst" }}
            rateHint="Empty: no rate limit."
          />
          <FormField label="Quota (requests)" error={fe.quotaLimit} hint="Empty: no quota.">
            <Input
              name="quotaLimit"
              inputMode="numeric"
              value={f.quota}
              onChange={(e) => setF({ ...f, quota: e.target.value })}
            />
          </FormField>
          <FormField label="Per" error={fe.quotaPeriod}>
            <Select
              name="quotaPeriod"
              value={f.period}
              onChange={(e) => setF({ ...f, period: e.target.value as "DAY" | "WEEK" | "MONTH" })}
            >
              <option value="DAY">Day</option>
              <option value="WEEK">Week</option>
              <option value="MONTH">Month</option>
            </Select>
          </FormField>
        </div>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-gray-700">API stages</legend>
          {stages.data?.length ? (
            <div className="grid gap-1 sm:grid-cols-2">
              {stages.data.map((s) => {
                const v = `${s.apiId}\n${s.stage}`;
                return (
                  <label key={v} className="flex items-center gap-2 text-sm">
                    <input type="checkbox" checked={picked.includes(v)} onChange={() => setPicked(toggle(picked, v))} />
                    {s.apiName} · {s.stage}
                  </label>
                );
              })}
            </div>
          ) : (
            <p className="text-sm text-gray-500">No deployed stages yet: deploy an API first, or add stages later.</p>
          )}
          {fe.apiStages && <p className="mt-1 text-xs text-red-700">{fe.apiStages[0]}</p>}
        </fieldset>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-gray-700">Keys</legend>
          {keys.data?.length ? (
            <div className="grid gap-1 sm:grid-cols-2">
              {keys.data.map((k) => (
                <label key={k.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={pickedKeys.includes(k.id)}
                    onChange={() => setPickedKeys(toggle(pickedKeys, k.id))}
                  />
                  {k.name}
                </label>
              ))}
            </div>
          ) : (
            <p className="text-sm text-gray-500">No API keys yet.</p>
          )}
          {fe.keyIds && <p className="mt-1 text-xs text-red-700">{fe.keyIds[0]}</p>}
        </fieldset>
        {otherErrors(create.error, [
          "name",
          "rateLimit",
          "burstLimit",
          "quotaLimit",
          "quotaPeriod",
          "apiStages",
          "keyIds",
        ]) && (
          <Alert tone="danger">
            {otherErrors(create.error, [
              "name",
              "rateLimit",
              "burstLimit",
              "quotaLimit",
              "quotaPeriod",
              "apiStages",
              "keyIds",
            ])}
          </Alert>
        )}
      </form>
    </Dialog>
  );
}
