"use client";
import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Dialog,
  FormField,
  Input,
  Select,
  Textarea,
  fieldErrorsOf,
  useToast,
  FormDialogFooter,
} from "@/components/ui";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { otherErrors } from "./form-errors";
import { FilterPolicyEditor, checkFilterPolicy, type FilterPolicyValue } from "./filter-policy-editor";

export type SubscribeResult = RouterOutputs["topic"]["subscribe"];
type Protocol = "sqs" | "https" | "http" | "email" | "email-json";

const PROTOCOLS: { id: Protocol; label: string; hint: string }[] = [
  { id: "sqs", label: "Amazon SQS queue", hint: "Delivered inside Signalbox, no HTTP hop." },
  { id: "https", label: "HTTPS webhook", hint: "POSTed as an SNS JSON envelope, signed (SNS + Standard Webhooks)." },
  { id: "http", label: "HTTP webhook", hint: "Like HTTPS, unencrypted. For internal endpoints." },
  { id: "email", label: "Email", hint: "Plain text. Without SMTP, emails wait in the console's outbox." },
  { id: "email-json", label: "Email (JSON)", hint: "The SNS JSON envelope as the email body." },
];

export const DELIVERY_PRESETS: { id: string; label: string; policy: string }[] = [
  { id: "default", label: "AWS default (3 retries, 20 s apart)", policy: "" },
  {
    id: "none",
    label: "No retries",
    policy: JSON.stringify({ healthyRetryPolicy: { numRetries: 0, minDelayTarget: 1, maxDelayTarget: 1 } }, null, 2),
  },
  {
    id: "patient",
    label: "Patient (10 retries, backing off to 5 min)",
    policy: JSON.stringify(
      {
        healthyRetryPolicy: {
          numRetries: 10,
          numNoDelayRetries: 1,
          minDelayTarget: 5,
          maxDelayTarget: 300,
          backoffFunction: "exponential",
        },
        throttlePolicy: { maxReceivesPerSecond: 10 },
      },
      null,
      2,
    ),
  },
];

const OTHER = "__other__";
const SHOWN = [
  "protocol",
  "endpoint",
  "Endpoint",
  "FilterPolicy",
  "FilterPolicyScope",
  "RawMessageDelivery",
  "RedrivePolicy",
  "DeliveryPolicy",
];

/** Add a subscription to a topic: protocol, endpoint, delivery options and a filter policy. */
export function CreateSubscriptionDialog({
  open,
  onClose,
  onCreated,
  tenant,
  topic,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (r: SubscribeResult) => void;
  tenant: string;
  topic: { id: string; name: string; fifo: boolean };
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [protocol, setProtocol] = useState<Protocol>("sqs");
  const [queuePick, setQueuePick] = useState("");
  const [endpoint, setEndpoint] = useState("");
  const [raw, setRaw] = useState(false);
  const [dlq, setDlq] = useState("");
  const [deliveryPolicy, setDeliveryPolicy] = useState("");
  const [filter, setFilter] = useState<FilterPolicyValue>({ policy: "", scope: "MessageAttributes" });
  const queues = useQuery({ ...trpc.queue.list.queryOptions({ tenant }), enabled: open });
  const queueOptions = useMemo(
    () => (queues.data ?? []).filter((q) => q.fifo === topic.fifo),
    [queues.data, topic.fifo],
  );
  const allQueues = queues.data ?? [];
  const create = useMutation(
    trpc.topic.subscribe.mutationOptions({
      onSuccess: async (r) => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.topic.subscriptions.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.topic.get.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.topic.list.pathKey() }),
        ]);
        toast(r.pendingConfirmation ? "Subscription created: confirmation sent" : "Subscription created");
        setEndpoint("");
        setQueuePick("");
        setFilter({ policy: "", scope: "MessageAttributes" });
        setDeliveryPolicy("");
        setDlq("");
        setRaw(false);
        onCreated(r);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    onClose();
  };
  const isHttp = protocol === "http" || protocol === "https";
  const rawAllowed = protocol === "sqs" || isHttp;
  const queueEndpoint = queuePick && queuePick !== OTHER ? queuePick : endpoint;
  const finalEndpoint = protocol === "sqs" ? queueEndpoint : endpoint;
  const policyInvalid = checkFilterPolicy(filter.policy, filter.scope).state === "error";
  const protoList = topic.fifo ? PROTOCOLS.filter((p) => p.id === "sqs") : PROTOCOLS;
  const endpointError = fe.endpoint ?? fe.Endpoint;
  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title={`Subscribe to ${topic.name}`}
      description="Each subscription receives a copy of every message published to the topic that passes its filter policy."
      footer={
        <FormDialogFooter
          formId="create-subscription-form"
          submitLabel="Create subscription"
          onCancel={close}
          loading={create.isPending}
          disabled={policyInvalid}
        />
      }
    >
      <form
        id="create-subscription-form"
        className="space-y-5"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (policyInvalid) return;
          create.mutate({
            tenant,
            topicId: topic.id,
            protocol,
            endpoint: finalEndpoint.trim(),
            filterPolicy: filter.policy.trim() || undefined,
            filterPolicyScope: filter.policy.trim() ? filter.scope : undefined,
            rawMessageDelivery: rawAllowed ? raw : undefined,
            deadLetterTargetArn: dlq.trim() || undefined,
            deliveryPolicy: isHttp && deliveryPolicy.trim() ? deliveryPolicy.trim() : undefined,
          });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Protocol" error={fe.protocol} hint={protoList.find((p) => p.id === protocol)?.hint}>
            <Select
              name="protocol"
              value={protocol}
              onChange={(e) => (setProtocol(e.target.value as Protocol), create.reset())}
            >
              {protoList.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </Select>
          </FormField>
          {protocol === "sqs" ? (
            <FormField
              label="Queue"
              error={queuePick === OTHER ? undefined : endpointError}
              hint={
                topic.fifo
                  ? "FIFO topics deliver to FIFO queues only."
                  : queueOptions.length === 0 && !queues.isPending
                    ? "No standard queues in this team yet: paste a queue ARN."
                    : undefined
              }
            >
              <Select name="queue" value={queuePick} onChange={(e) => setQueuePick(e.target.value)} data-autofocus>
                <option value="">{queues.isPending ? "Loading queues…" : "Choose a queue"}</option>
                {queueOptions.map((q) => (
                  <option key={q.arn} value={q.arn}>
                    {q.name}
                  </option>
                ))}
                <option value={OTHER}>Another queue ARN…</option>
              </Select>
            </FormField>
          ) : (
            <FormField label={isHttp ? "Endpoint URL" : "Email address"} error={endpointError}>
              <Input
                name="endpoint"
                type={isHttp ? "url" : "email"}
                value={endpoint}
                onChange={(e) => setEndpoint(e.target.value)}
                placeholder={isHttp ? `${protocol}://example.com/webhooks/signalbox` : "ops@example.com"}
                autoComplete="off"
                data-autofocus
              />
            </FormField>
          )}
        </div>
        {protocol === "sqs" && queuePick === OTHER && (
          <FormField
            label="Queue ARN"
            error={endpointError}
            hint="A queue of another team works when that queue's policy allows this topic to send to it."
          >
            <Input
              name="endpoint"
              value={endpoint}
              onChange={(e) => setEndpoint(e.target.value)}
              placeholder="arn:aws:sqs:us-east-1:123456789012:orders"
              className="font-mono"
              autoComplete="off"
            />
          </FormField>
        )}

        {rawAllowed && (
          <label className="flex items-start gap-3 text-sm">
            <input
              type="checkbox"
              className="mt-0.5"
              checked={raw}
              onChange={(e) => setRaw(e.target.checked)}
              name="raw"
            />
            <span>
              <span className="font-medium text-gray-900">Raw message delivery</span>
              <span className="block text-xs text-gray-500">
                Deliver the message body as published, without the SNS JSON envelope
                {isHttp ? " (headers still carry the ids and signatures)" : ""}.
              </span>
              {fe.RawMessageDelivery && <span className="block text-xs text-red-600">{fe.RawMessageDelivery[0]}</span>}
            </span>
          </label>
        )}

        <section className="space-y-2 border-t border-gray-200 pt-4">
          <h3 className="text-sm font-semibold text-gray-900">Filter policy</h3>
          <p className="text-xs text-gray-500">
            Only messages that match are delivered to this subscription. Validated as you type, with the same engine
            that filters on publish.
          </p>
          <FilterPolicyEditor
            value={filter}
            onChange={setFilter}
            serverError={(fe.FilterPolicy ?? fe.FilterPolicyScope)?.[0]}
            idPrefix="new-sub-fp"
          />
        </section>

        <details className="group border-t border-gray-200 pt-4">
          <summary className="cursor-pointer text-sm font-semibold text-gray-900">
            Retries and dead-letter queue
          </summary>
          <div className="mt-3 space-y-4">
            <FormField
              label="Dead-letter queue ARN (optional)"
              error={fe.RedrivePolicy}
              hint="Messages that could not be delivered after every retry go to this queue."
            >
              <Input
                name="dlq"
                list="sub-dlq-queues"
                value={dlq}
                onChange={(e) => setDlq(e.target.value)}
                placeholder="arn:aws:sqs:…"
                className="font-mono"
                autoComplete="off"
              />
            </FormField>
            <datalist id="sub-dlq-queues">
              {allQueues.map((q) => (
                <option key={q.arn} value={q.arn}>
                  {q.name}
                </option>
              ))}
            </datalist>
            {isHttp ? (
              <div className="space-y-2">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="text-sm font-medium text-gray-800">Delivery policy</span>
                  <div className="w-full sm:w-72">
                    <Select
                      aria-label="Delivery policy preset"
                      value={DELIVERY_PRESETS.find((p) => p.policy === deliveryPolicy)?.id ?? ""}
                      onChange={(e) =>
                        setDeliveryPolicy(
                          DELIVERY_PRESETS.find((p) => p.id === e.target.value)?.policy ?? deliveryPolicy,
                        )
                      }
                    >
                      {!DELIVERY_PRESETS.some((p) => p.policy === deliveryPolicy) && <option value="">Custom</option>}
                      {DELIVERY_PRESETS.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.label}
                        </option>
                      ))}
                    </Select>
                  </div>
                </div>
                <Textarea
                  aria-label="Delivery policy JSON"
                  name="deliveryPolicy"
                  rows={5}
                  spellCheck={false}
                  value={deliveryPolicy}
                  onChange={(e) => setDeliveryPolicy(e.target.value)}
                  placeholder='{"healthyRetryPolicy": {"numRetries": 3, "minDelayTarget": 20, "maxDelayTarget": 20}, "throttlePolicy": {"maxReceivesPerSecond": 10}}'
                  invalid={!!fe.DeliveryPolicy}
                />
                {fe.DeliveryPolicy ? (
                  <p className="text-sm text-red-600">{fe.DeliveryPolicy[0]}</p>
                ) : (
                  <p className="text-xs text-gray-500">Empty uses the topic's policy, or AWS's default for HTTP/S.</p>
                )}
              </div>
            ) : (
              <p className="text-xs text-gray-500">
                {protocol === "sqs"
                  ? "Queue deliveries happen inside Signalbox and retry on their own schedule."
                  : "Delivery policies apply to HTTP/S subscriptions only."}
              </p>
            )}
          </div>
        </details>
        {otherErrors(create.error, SHOWN) && <Alert tone="danger">{otherErrors(create.error, SHOWN)}</Alert>}
      </form>
    </Dialog>
  );
}
