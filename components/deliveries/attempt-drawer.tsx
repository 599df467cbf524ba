"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RotateCcw } from "lucide-react";
import { Alert, Badge, Button, CodeBlock, KeyValue, LoadingBlock, RelativeTime, useToast } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { Drawer } from "./drawer";
import {
  OUTCOME_LABEL,
  OUTCOME_TONE,
  STATUS_LABEL,
  STATUS_TONE,
  WORKFLOW_NO_RESEND,
  type AttemptDetail,
  type AttemptRow,
} from "./types";
import { formatMs } from "./time-range";

function headersText(h: Record<string, string | string[]> | null | undefined): string {
  if (!h || Object.keys(h).length === 0) return "";
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`)
    .join("\n");
}

function prettyBody(body: string | null | undefined): string {
  if (!body) return "";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** One attempt as it happened: the request as sent, the response, the error, what happens next. */
// What the "request" section shows, by protocol (topic subscriptions) or target kind (invocations).
const SENT_HEADING: Record<string, string> = {
  http: "Request as sent",
  https: "Request as sent",
  sqs: "Message sent to the queue",
  queue: "Message sent to the queue",
  topic: "Message published to the topic",
  "event-bus": "Event sent to the bus",
  workflow: "Input of the execution started",
  email: "Email",
  "email-json": "Email",
};

export function AttemptDrawer({
  tenant,
  attemptId,
  onClose,
  canWrite,
  onOpenAttempt,
}: {
  tenant: string;
  attemptId: string | null;
  onClose: () => void;
  canWrite: boolean;
  onOpenAttempt: (id: string) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ ...trpc.delivery.attempt.queryOptions({ tenant, id: attemptId ?? "" }), enabled: !!attemptId });
  const a = q.data as AttemptDetail | undefined;
  const siblings = useQuery({
    ...trpc.delivery.attempts.queryOptions({ tenant, deliveryId: a?.deliveryId ?? "", limit: 50 }),
    enabled: !!a?.deliveryId,
    refetchInterval: 3000,
  });
  const resend = useMutation(
    trpc.delivery.resend.mutationOptions({
      onSuccess: async (r) => {
        toast(r.queued ? "Resend queued" : "This delivery is already waiting to be sent");
        await qc.invalidateQueries({ queryKey: trpc.delivery.pathKey() });
      },
    }),
  );
  const others = ((siblings.data?.items ?? []) as AttemptRow[])
    .slice()
    .sort((x, y) => x.attemptNumber - y.attemptNumber);
  const isHttp = a && (a.protocol === "http" || a.protocol === "https");
  // An invocation's protocol is its target kind; remote kinds (functions, API destinations) answer like HTTP.
  const answers = a && (isHttp || a.responseStatus !== null || !!a.responseBody);
  const sent = a ? (SENT_HEADING[a.protocol] ?? "Request as sent") : "";
  const isQueue = a && (a.protocol === "sqs" || a.protocol === "queue");
  return (
    <Drawer
      open={!!attemptId}
      onClose={() => {
        resend.reset();
        onClose();
      }}
      title={a ? `Attempt ${a.attemptNumber} to ${a.protocol.toUpperCase()}` : "Attempt"}
      description={a && <span className="font-mono text-xs break-all">{a.endpoint}</span>}
      footer={
        a &&
        canWrite &&
        (a.sourceKind === "workflow" ? (
          // A disabled button gets no pointer events: the wrapper carries the tooltip.
          <span className="inline-flex items-center gap-3" title={WORKFLOW_NO_RESEND} data-testid="resend-unavailable">
            <Button disabled aria-describedby="workflow-no-resend">
              <RotateCcw className="h-4 w-4" aria-hidden />
              Resend this message
            </Button>
            <span id="workflow-no-resend" className="text-xs text-gray-500">
              Made by a workflow task: not resendable
            </span>
          </span>
        ) : (
          <Button
            onClick={() => resend.mutate({ tenant, deliveryId: a.deliveryId })}
            loading={resend.isPending}
            disabled={a.deliveryStatus === "pending"}
          >
            <RotateCcw className="h-4 w-4" aria-hidden />
            Resend this message
          </Button>
        ))
      }
    >
      {q.isPending ? (
        <LoadingBlock />
      ) : q.error ? (
        <Alert tone="danger" title="Could not load the attempt">
          {q.error.message}
        </Alert>
      ) : a ? (
        <div className="space-y-6" data-testid="attempt-detail">
          {resend.error && <Alert tone="danger">{resend.error.message}</Alert>}
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={OUTCOME_TONE[a.outcome]} dot>
              {OUTCOME_LABEL[a.outcome]}
            </Badge>
            {a.responseStatus !== null && (
              <Badge tone={a.responseStatus < 300 ? "success" : "danger"}>HTTP {a.responseStatus}</Badge>
            )}
            <span className="text-sm text-gray-500">
              Delivery now:{" "}
              <Badge tone={STATUS_TONE[a.deliveryStatus]} dot>
                {STATUS_LABEL[a.deliveryStatus]}
              </Badge>
            </span>
          </div>
          <KeyValue
            items={[
              { label: "Started", value: <RelativeTime date={a.startedAt} /> },
              { label: "Duration", value: formatMs(a.durationMs) },
              ...(a.messageId ? [{ label: "Message id", value: a.messageId, mono: true }] : []),
              ...(a.sourceKind && a.sourceKind !== "topic"
                ? [
                    { label: `Source (${a.sourceKind})`, value: a.sourceArn ?? "", mono: true },
                    {
                      label: `Target (${a.targetKind ?? a.protocol}${a.targetId ? ` ${a.targetId}` : ""})`,
                      value: a.targetArn ?? a.endpoint,
                      mono: true,
                    },
                    ...(a.eventId ? [{ label: "Event id", value: a.eventId, mono: true }] : []),
                  ]
                : []),
              { label: "Delivery id", value: a.deliveryId, mono: true },
              ...(a.error ? [{ label: "Error", value: <span className="text-red-700">{a.error}</span> }] : []),
              ...(a.nextRetryAt ? [{ label: "Next retry", value: <RelativeTime date={a.nextRetryAt} /> }] : []),
            ]}
          />
          <section className="space-y-2">
            <h3 className="text-sm font-semibold text-gray-900">{sent}</h3>
            {headersText(a.requestHeaders) ? (
              <CodeBlock
                title={isHttp ? `POST ${a.endpoint}` : isQueue ? "Message attributes" : "Headers"}
                code={headersText(a.requestHeaders)}
                wrap
              />
            ) : null}
            {a.requestBody ? (
              <CodeBlock title="Body" code={prettyBody(a.requestBody)} />
            ) : (
              <p className="text-sm text-gray-500">No request was sent (see the error).</p>
            )}
          </section>
          {answers && (
            <section className="space-y-2">
              <h3 className="text-sm font-semibold text-gray-900">Response</h3>
              {a.responseStatus === null ? (
                <p className="text-sm text-gray-500">No response: {a.error ?? "the request did not complete"}.</p>
              ) : (
                <>
                  <CodeBlock
                    title={`HTTP ${a.responseStatus}`}
                    code={headersText(a.responseHeaders) || "(no headers)"}
                    wrap
                  />
                  <CodeBlock title="Body (first 4 KiB)" code={prettyBody(a.responseBody) || "(empty)"} />
                </>
              )}
            </section>
          )}
          {others.length > 1 && (
            <section className="space-y-2">
              <h3 className="text-sm font-semibold text-gray-900">Every attempt of this delivery</h3>
              <ol className="divide-y divide-gray-100 rounded-lg border border-gray-200">
                {others.map((o) => (
                  <li key={o.id}>
                    <button
                      type="button"
                      onClick={() => onOpenAttempt(o.id)}
                      className={`flex w-full flex-wrap items-center gap-3 px-3 py-2 text-left text-sm hover:bg-gray-50 ${o.id === a.id ? "bg-accent-50/60" : ""}`}
                    >
                      <span className="w-20 text-gray-500">#{o.attemptNumber}</span>
                      <Badge tone={OUTCOME_TONE[o.outcome]} dot>
                        {OUTCOME_LABEL[o.outcome]}
                      </Badge>
                      <span className="text-gray-600">{o.responseStatus ?? ""}</span>
                      <span className="ml-auto text-gray-500">
                        <RelativeTime date={o.startedAt} />
                      </span>
                    </button>
                  </li>
                ))}
              </ol>
            </section>
          )}
        </div>
      ) : null}
    </Drawer>
  );
}
