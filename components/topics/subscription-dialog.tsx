"use client";
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Activity, BadgeCheck, Gauge, KeyRound, Power, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  buttonClasses,
  CodeBlock,
  ConfirmDialog,
  CopyButton,
  Dialog,
  KeyValue,
  LoadingBlock,
  RelativeTime,
  Select,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { FilterPolicyEditor, checkFilterPolicy, type FilterPolicyValue } from "./filter-policy-editor";
import { SUB_STATUS_LABEL, SUB_STATUS_TONE, subStatus } from "./subscription-status";

function pretty(json: string | null | undefined): string {
  if (!json) return "";
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** What became of the SubscriptionConfirmation POST: sent and received, refused, failed, or not yet tried. */
function ConfirmationOutcomeText({
  outcome,
}: {
  outcome: { kind: string; message: string; createdAt: Date | string } | null;
}) {
  if (!outcome)
    return (
      <span data-testid="confirmation-outcome.repository" data-kind="none">
        A SubscriptionConfirmation is about to be POSTed to the endpoint. It is confirmed when the endpoint visits the
        SubscribeURL; until then nothing is delivered.
      </span>
    );
  const delivered = outcome.kind === "confirmation_delivered";
  return (
    <span data-testid="confirmation-outcome.repository" data-kind={outcome.kind}>
      <strong className="font-medium">{outcome.message}</strong> (<RelativeTime date={outcome.createdAt} />){" "}
      {delivered
        ? "It is confirmed when the endpoint visits the SubscribeURL; until then nothing is delivered."
        : "Nothing is delivered until the subscription is confirmed: fix the endpoint and subscribe again, or confirm it manually."}
    </span>
  );
}

/** One subscription: its settings, confirmation, signing secret, filter policy and the way to its deliveries. */
export function SubscriptionDialog({
  tenant,
  subscriptionId,
  onClose,
  canWrite,
  onSecret,
  onShowDeliveries,
}: {
  tenant: string;
  subscriptionId: string | null;
  onClose: () => void;
  canWrite: boolean;
  onSecret: (secret: string, previousExpiresAt: Date | string | null) => void;
  onShowDeliveries: (id: string) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({
    ...trpc.topic.subscription.queryOptions({ tenant, id: subscriptionId ?? "" }),
    enabled: !!subscriptionId,
  });
  const s = q.data;
  const pendingHttp = !!s && s.status === "pending" && (s.protocol === "http" || s.protocol === "https");
  // Until the confirmation job has run there is no outcome yet: ask again shortly.
  const outcome = useQuery({
    ...trpc.delivery.confirmation.queryOptions({ tenant, subscriptionId: subscriptionId ?? "" }),
    enabled: pendingHttp,
    refetchInterval: (o) => (pendingHttp && !o.state.data ? 2000 : false),
  });
  const [editing, setEditing] = useState(false);
  const [filter, setFilter] = useState<FilterPolicyValue>({ policy: "", scope: "MessageAttributes" });
  const [confirm, setConfirm] = useState<null | "unsubscribe" | "rotate">(null);
  const [overlap, setOverlap] = useState("24");
  useEffect(() => {
    setEditing(false);
    setConfirm(null);
  }, [subscriptionId]);
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.topic.subscription.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.topic.subscriptions.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.topic.get.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.topic.list.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.delivery.disabledEndpoints.pathKey() }),
    ]);
  const onError = (e: { message: string }) => toast(e.message, "danger");
  const confirmSub = useMutation(
    trpc.topic.confirmSubscription.mutationOptions({
      onSuccess: async () => (await refresh(), toast("Subscription confirmed")),
      onError,
    }),
  );
  const reenable = useMutation(
    trpc.topic.reenable.mutationOptions({
      onSuccess: async () => (await refresh(), toast("Subscription re-enabled: deliveries resume")),
      onError,
    }),
  );
  const update = useMutation(
    trpc.topic.updateSubscription.mutationOptions({
      onSuccess: async () => (await refresh(), setEditing(false), toast("Filter policy saved")),
    }),
  );
  const rotate = useMutation(
    trpc.topic.rotateSecret.mutationOptions({
      onSuccess: async (r) => {
        setConfirm(null);
        await refresh();
        onSecret(r.secret, r.previousExpiresAt);
      },
    }),
  );
  const unsubscribe = useMutation(
    trpc.topic.unsubscribe.mutationOptions({
      onSuccess: async () => {
        setConfirm(null);
        await refresh();
        toast("Unsubscribed");
        onClose();
      },
    }),
  );
  const st = s ? subStatus(s) : null;
  const isHttp = s?.protocol === "http" || s?.protocol === "https";
  const fe = fieldErrorsOf(update.error);
  const attrs = (s?.attributes ?? {}) as Record<string, string>;
  return (
    <>
      <Dialog
        open={!!subscriptionId}
        onClose={() => {
          update.reset();
          onClose();
        }}
        size="lg"
        title="Subscription"
        description={s && <span className="font-mono text-xs break-all">{s.endpoint}</span>}
        footer={
          s && (
            <>
              {canWrite && (
                <Button
                  variant="ghost"
                  className="mr-auto text-red-600 hover:bg-red-50"
                  onClick={() => setConfirm("unsubscribe")}
                >
                  <Trash2 className="h-4 w-4" aria-hidden />
                  Unsubscribe
                </Button>
              )}
              <Link
                href={`/t/${tenant}/deliveries/endpoints/${encodeURIComponent(s.id)}`}
                className={buttonClasses("secondary")}
              >
                <Gauge className="h-4 w-4" aria-hidden />
                Endpoint health
              </Link>
              <Button variant="secondary" onClick={() => onShowDeliveries(s.id)}>
                <Activity className="h-4 w-4" aria-hidden />
                View deliveries
              </Button>
            </>
          )
        }
      >
        {q.isPending && subscriptionId ? (
          <LoadingBlock />
        ) : q.error ? (
          <Alert tone="danger">{q.error.message}</Alert>
        ) : s && st ? (
          <div className="space-y-5" data-testid="subscription-detail">
            {st === "pending" && (
              <Alert
                tone={outcome.data?.kind === "confirmation_failed" ? "danger" : "warning"}
                title={
                  outcome.data?.kind === "confirmation_failed"
                    ? "Confirmation not delivered"
                    : "Waiting for confirmation"
                }
                actions={
                  canWrite && (
                    <Button
                      size="sm"
                      variant="secondary"
                      loading={confirmSub.isPending}
                      onClick={() => confirmSub.mutate({ tenant, id: s.id })}
                    >
                      <BadgeCheck className="h-4 w-4" aria-hidden />
                      Confirm manually
                    </Button>
                  )
                }
              >
                {isHttp ? (
                  <ConfirmationOutcomeText outcome={outcome.data ?? null} />
                ) : (
                  "A confirmation email was sent (see the email outbox on the Deliveries page). Nothing is delivered until it is confirmed."
                )}
              </Alert>
            )}
            {st === "disabled" && (
              <Alert
                tone="danger"
                title="Deliveries to this endpoint are disabled"
                actions={
                  canWrite && (
                    <Button
                      size="sm"
                      variant="secondary"
                      loading={reenable.isPending}
                      onClick={() => reenable.mutate({ tenant, id: s.id })}
                    >
                      <Power className="h-4 w-4" aria-hidden />
                      Re-enable
                    </Button>
                  )
                }
              >
                {s.disabledReason ?? "It failed continuously."} Disabled <RelativeTime date={s.disabledAt} />; new
                messages are skipped until it is re-enabled.
              </Alert>
            )}
            <KeyValue
              items={[
                {
                  label: "ARN",
                  value: (
                    <span className="flex items-start gap-2">
                      <span className="min-w-0 font-mono text-xs break-all">{s.arn}</span>
                      <CopyButton value={s.arn} label="Copy" />
                    </span>
                  ),
                },
                {
                  label: "Status",
                  value: (
                    <Badge tone={SUB_STATUS_TONE[st]} dot>
                      {SUB_STATUS_LABEL[st]}
                    </Badge>
                  ),
                },
                { label: "Protocol", value: s.protocol },
                { label: "Endpoint", value: s.endpoint, mono: true },
                ...(s.confirmedAt ? [{ label: "Confirmed", value: <RelativeTime date={s.confirmedAt} /> }] : []),
                { label: "Raw message delivery", value: s.rawMessageDelivery ? "Yes" : "No" },
                {
                  label: "Dead-letter queue",
                  value: s.deadLetterTargetArn ?? <span className="text-gray-400">None</span>,
                  mono: !!s.deadLetterTargetArn,
                },
                ...(s.consecutiveFailures > 0
                  ? [{ label: "Consecutive failures", value: String(s.consecutiveFailures) }]
                  : []),
              ]}
            />
            {isHttp && (
              <section className="rounded-lg border border-gray-200 p-4">
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div>
                    <h3 className="flex items-center gap-2 text-sm font-semibold text-gray-900">
                      <KeyRound className="h-4 w-4 text-gray-500" aria-hidden />
                      Signing secret
                    </h3>
                    <p className="mt-1 text-sm text-gray-500">
                      {s.hasSigningSecret
                        ? "Set. It was shown once when created; rotate to get a new one."
                        : "None yet: rotate to create one."}
                      {s.previousSecretExpiresAt && new Date(s.previousSecretExpiresAt).getTime() > Date.now() && (
                        <>
                          {" "}
                          The previous secret also signs until <RelativeTime date={s.previousSecretExpiresAt} />.
                        </>
                      )}
                    </p>
                  </div>
                  {canWrite && (
                    <Button size="sm" variant="secondary" onClick={() => setConfirm("rotate")}>
                      Rotate secret
                    </Button>
                  )}
                </div>
              </section>
            )}
            <section className="space-y-2">
              <div className="flex items-center justify-between gap-3">
                <h3 className="text-sm font-semibold text-gray-900">Filter policy</h3>
                {canWrite && !editing && (
                  <Button
                    size="sm"
                    variant="secondary"
                    onClick={() => {
                      setFilter({
                        policy: pretty(s.filterPolicy),
                        scope: (s.filterPolicyScope as FilterPolicyValue["scope"]) ?? "MessageAttributes",
                      });
                      setEditing(true);
                    }}
                  >
                    Edit
                  </Button>
                )}
              </div>
              {editing ? (
                <div className="space-y-3">
                  <FilterPolicyEditor
                    value={filter}
                    onChange={setFilter}
                    serverError={(fe.FilterPolicy ?? fe.FilterPolicyScope)?.[0]}
                    idPrefix="edit-sub-fp"
                  />
                  {update.error && !fe.FilterPolicy && !fe.FilterPolicyScope && (
                    <Alert tone="danger">{update.error.message}</Alert>
                  )}
                  <div className="flex justify-end gap-2">
                    <Button variant="secondary" onClick={() => (update.reset(), setEditing(false))}>
                      Cancel
                    </Button>
                    <Button
                      loading={update.isPending}
                      disabled={checkFilterPolicy(filter.policy, filter.scope).state === "error"}
                      onClick={() =>
                        update.mutate({
                          tenant,
                          id: s.id,
                          filterPolicy: filter.policy.trim(),
                          filterPolicyScope: filter.scope,
                        })
                      }
                    >
                      Save filter policy
                    </Button>
                  </div>
                </div>
              ) : s.filterPolicy ? (
                <CodeBlock title={`Scope: ${s.filterPolicyScope}`} code={pretty(s.filterPolicy)} />
              ) : (
                <p className="text-sm text-gray-500">None: every message is delivered.</p>
              )}
            </section>
            {attrs.EffectiveDeliveryPolicy && (
              <section className="space-y-2">
                <h3 className="text-sm font-semibold text-gray-900">Effective delivery policy</h3>
                <CodeBlock code={pretty(attrs.EffectiveDeliveryPolicy)} />
              </section>
            )}
          </div>
        ) : null}
      </Dialog>
      <ConfirmDialog
        open={confirm === "unsubscribe"}
        onClose={() => (unsubscribe.reset(), setConfirm(null))}
        onConfirm={() => s && unsubscribe.mutate({ tenant, id: s.id })}
        loading={unsubscribe.isPending}
        title="Unsubscribe?"
        confirmLabel="Unsubscribe"
        error={unsubscribe.error?.message}
      >
        <p>
          <span className="font-mono text-xs break-all text-gray-900">{s?.endpoint}</span> stops receiving messages from
          this topic.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === "rotate"}
        onClose={() => (rotate.reset(), setConfirm(null))}
        onConfirm={() => s && rotate.mutate({ tenant, id: s.id, overlapHours: Number(overlap) })}
        loading={rotate.isPending}
        tone="primary"
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        error={rotate.error?.message}
      >
        <p>
          A new secret signs every delivery from now on. Keep the old one valid for a while so your receiver can switch
          without rejecting deliveries:
        </p>
        <Select aria-label="Old secret stays valid for" value={overlap} onChange={(e) => setOverlap(e.target.value)}>
          <option value="0">Revoke the old secret now</option>
          <option value="1">Old secret valid 1 more hour</option>
          <option value="24">Old secret valid 24 more hours</option>
          <option value="168">Old secret valid 7 more days</option>
        </Select>
      </ConfirmDialog>
    </>
  );
}
