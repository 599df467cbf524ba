"use client";
import { useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Dialog,
  FormDialogFooter,
  FormField,
  Input,
  Label,
  Select,
  Textarea,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { useCurrentTenant } from "@/components/layout/tenant-context";
// Pure: the preview runs the code that builds each invocation's payload.
import { applyTargetInput, validateTargetInput } from "@/server/core/events/input-transform";
import { SAMPLE_EVENT } from "./pattern-sandbox";
import type { EventEnvelope, TargetView } from "./types";

type Kind = "queue" | "topic" | "bus" | "function" | "api-destination" | "arn";
const KIND_LABEL: Record<Exclude<Kind, "arn">, string> = {
  queue: "Queue",
  topic: "Topic",
  bus: "Event bus",
  function: "Function",
  "api-destination": "API destination",
};
type InputMode = "event" | "path" | "constant" | "transformer";
const SHOWN = [
  "id",
  "arn",
  "input",
  "inputPath",
  "inputTransformer",
  "messageGroupId",
  "maximumRetryAttempts",
  "maximumEventAgeInSeconds",
  "deadLetterArn",
];

function kindOf(arn: string): Kind {
  if (!arn) return "queue";
  if (arn.startsWith("arn:aws:sqs:")) return "queue";
  if (arn.startsWith("arn:aws:sns:")) return "topic";
  if (/^arn:aws:events:[^:]*:[^:]*:event-bus\//.test(arn)) return "bus";
  if (/^arn:aws:lambda:[^:]*:[^:]*:function:/.test(arn)) return "function";
  if (/^arn:aws:events:[^:]*:[^:]*:api-destination\//.test(arn)) return "api-destination";
  return "arn";
}

function modeOf(t: TargetView | null): InputMode {
  if (!t) return "event";
  if (t.inputTransformer) return "transformer";
  if (t.input != null) return "constant";
  if (t.inputPath != null) return "path";
  return "event";
}

const num = (s: string) => (s.trim() === "" ? undefined : Number(s));

/**
 * Add or edit one target of a rule: where matching events go (a queue, topic, bus or any ARN),
 * what is sent (the event, part of it, a constant, or a transformer) with a live preview for a
 * sample event, and the retry policy and dead-letter queue.
 */
export function TargetDialog({
  open,
  onClose,
  tenant,
  bus,
  rule,
  ruleArn,
  target,
  sampleEvent,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  bus: string;
  rule: string;
  ruleArn: string;
  target: TargetView | null;
  sampleEvent?: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const current = useCurrentTenant();
  const [kind, setKind] = useState<Kind>(kindOf(target?.arn ?? ""));
  const [arn, setArn] = useState(target?.arn ?? "");
  const [id, setId] = useState(target?.id ?? "");
  const [mode, setMode] = useState<InputMode>(modeOf(target));
  const [input, setInput] = useState(target?.input ?? '{ "note": "a constant payload" }');
  const [inputPath, setInputPath] = useState(target?.inputPath ?? "$.detail");
  const [pathsMap, setPathsMap] = useState(
    JSON.stringify(
      target?.inputTransformer?.inputPathsMap ?? { order: "$.detail.orderId", status: "$.detail.status" },
      null,
      2,
    ),
  );
  const [template, setTemplate] = useState(
    target?.inputTransformer?.inputTemplate ?? '"Order <order> is now <status>"',
  );
  const [groupId, setGroupId] = useState(target?.messageGroupId ?? "");
  const [retries, setRetries] = useState(String(target?.retryPolicy?.maximumRetryAttempts ?? ""));
  const [maxAge, setMaxAge] = useState(String(target?.retryPolicy?.maximumEventAgeInSeconds ?? ""));
  const [dlq, setDlq] = useState(target?.deadLetterArn ?? "");
  const [sample, setSample] = useState(sampleEvent ?? SAMPLE_EVENT(current.accountId, current.region));
  const queues = useQuery({ ...trpc.queue.list.queryOptions({ tenant }), enabled: open });
  const topics = useQuery({ ...trpc.topic.list.queryOptions({ tenant }), enabled: open && kind === "topic" });
  const buses = useQuery({ ...trpc.events.buses.queryOptions({ tenant }), enabled: open && kind === "bus" });
  const functions = useQuery({
    ...trpc.function.list.queryOptions({ tenant, marker: null }),
    enabled: open && kind === "function",
  });
  const destinations = useQuery({
    ...trpc.events.connections.queryOptions({ tenant }),
    enabled: open && kind === "api-destination",
  });
  const options =
    kind === "queue"
      ? (queues.data ?? []).map((q) => ({ arn: q.arn, label: q.name, fifo: q.fifo }))
      : kind === "topic"
        ? (topics.data ?? []).map((t) => ({ arn: t.arn, label: t.name, fifo: t.fifo }))
        : kind === "bus"
          ? (buses.data ?? []).filter((b) => b.name !== bus).map((b) => ({ arn: b.arn, label: b.name, fifo: false }))
          : kind === "function"
            ? (functions.data?.functions ?? []).map((f) => ({ arn: f.arn, label: f.name, fifo: false }))
            : kind === "api-destination"
              ? (destinations.data?.apiDestinations ?? []).map((d) => ({ arn: d.arn, label: d.name, fifo: false }))
              : [];
  const fifo = kind === "queue" && (arn.endsWith(".fifo") || options.find((o) => o.arn === arn)?.fifo === true);
  const put = useMutation(
    trpc.events.putTarget.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.events.rule.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.events.rules.pathKey() }),
        ]);
        toast(target ? `Target “${id}” saved` : `Target “${id}” added`);
        put.reset();
        onClose();
      },
    }),
  );
  const cfg = useMemo(() => {
    if (mode === "constant") return { input };
    if (mode === "path") return { inputPath };
    if (mode === "transformer") {
      let map: Record<string, string> | undefined;
      try {
        map = pathsMap.trim() ? (JSON.parse(pathsMap) as Record<string, string>) : undefined;
      } catch {
        return { error: "The input paths map is not valid JSON." } as const;
      }
      return { inputTransformer: { inputPathsMap: map, inputTemplate: template } };
    }
    return {};
  }, [mode, input, inputPath, pathsMap, template]);
  const preview = useMemo(() => {
    if ("error" in cfg) return { ok: false as const, text: cfg.error };
    let ev: EventEnvelope;
    try {
      ev = JSON.parse(sample) as EventEnvelope;
    } catch {
      return { ok: false as const, text: "The sample event is not valid JSON." };
    }
    try {
      // What PutTargets would refuse (bad paths, templates, constants) is shown here first, in AWS's words.
      validateTargetInput(id.trim() || "target", cfg);
      return {
        ok: true as const,
        text: applyTargetInput(ev, cfg, { ruleArn, ruleName: rule, ingestionTime: new Date().toISOString() }),
      };
    } catch (e) {
      return { ok: false as const, text: e instanceof Error ? e.message : String(e) };
    }
  }, [cfg, sample, ruleArn, rule, id]);
  const fe = fieldErrorsOf(put.error);
  const other = otherErrors(put.error, SHOWN);
  const close = () => {
    put.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title={target ? `Edit target “${target.id}”` : "Add target"}
      description="Every event the rule matches is sent here, through the delivery engine: retried with backoff, logged per attempt, resendable."
      footer={
        <FormDialogFooter
          formId="target-form"
          submitLabel={target ? "Save target" : "Add target"}
          onCancel={close}
          loading={put.isPending}
        />
      }
    >
      <form
        id="target-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if ("error" in cfg) return;
          put.mutate({
            tenant,
            bus,
            rule,
            target: {
              id: id.trim(),
              arn: arn.trim(),
              ...cfg,
              messageGroupId: fifo && groupId.trim() ? groupId.trim() : undefined,
              maximumRetryAttempts: num(retries),
              maximumEventAgeInSeconds: num(maxAge),
              deadLetterArn: dlq || undefined,
            },
          });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
          <FormField label="Target type">
            <Select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as Kind);
                setArn("");
              }}
            >
              <option value="queue">Queue</option>
              <option value="topic">Topic</option>
              <option value="bus">Event bus</option>
              <option value="function">Function</option>
              <option value="api-destination">API destination</option>
              <option value="arn">Other (ARN)</option>
            </Select>
          </FormField>
          {kind === "arn" ? (
            <FormField
              label="Target ARN"
              error={fe.arn}
              hint="Another team's bus, queue or topic, or any ARN Signalbox invokes."
            >
              <Input value={arn} onChange={(e) => setArn(e.target.value)} className="font-mono" autoComplete="off" />
            </FormField>
          ) : (
            <FormField label={KIND_LABEL[kind]} error={fe.arn}>
              <Select
                value={arn}
                onChange={(e) => {
                  setArn(e.target.value);
                  if (!id)
                    setId(
                      `${options.find((o) => o.arn === e.target.value)?.label ?? "target"}`
                        .slice(0, 64)
                        .replace(/[^.\-_A-Za-z0-9]/g, "-"),
                    );
                }}
              >
                <option value="">Choose…</option>
                {options.map((o) => (
                  <option key={o.arn} value={o.arn}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </FormField>
          )}
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Target id" error={fe.id} hint="Unique within the rule; letters, digits, . - _">
            <Input value={id} onChange={(e) => setId(e.target.value)} disabled={!!target} autoComplete="off" />
          </FormField>
          {fifo && (
            <FormField
              label="Message group id"
              error={fe.messageGroupId}
              hint="Required for a FIFO queue (SqsParameters.MessageGroupId)."
            >
              <Input value={groupId} onChange={(e) => setGroupId(e.target.value)} autoComplete="off" />
            </FormField>
          )}
        </div>
        <fieldset className="space-y-3 rounded-lg border border-gray-200 p-3">
          <legend className="px-1 text-sm font-medium text-gray-800">What is sent</legend>
          <Select aria-label="What is sent" value={mode} onChange={(e) => setMode(e.target.value as InputMode)}>
            <option value="event">The matched event</option>
            <option value="path">Part of the event (InputPath)</option>
            <option value="constant">A constant (Input)</option>
            <option value="transformer">Input transformer</option>
          </Select>
          {mode === "path" && (
            <FormField label="Input path" error={fe.inputPath} hint="A JSONPath into the event, e.g. $.detail">
              <Input value={inputPath} onChange={(e) => setInputPath(e.target.value)} className="font-mono" />
            </FormField>
          )}
          {mode === "constant" && (
            <FormField label="Input (JSON)" error={fe.input}>
              <Textarea rows={3} value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} />
            </FormField>
          )}
          {mode === "transformer" && (
            <div className="grid gap-3 sm:grid-cols-2">
              <FormField label="Input paths map (JSON)" error={fe.inputTransformer}>
                <Textarea rows={5} value={pathsMap} onChange={(e) => setPathsMap(e.target.value)} spellCheck={false} />
              </FormField>
              <FormField
                label="Input template"
                hint="Use <name> for a mapped value; <aws.events.event> for the whole event."
              >
                <Textarea rows={5} value={template} onChange={(e) => setTemplate(e.target.value)} spellCheck={false} />
              </FormField>
            </div>
          )}
          <div className="grid gap-3 lg:grid-cols-2">
            <div className="min-w-0">
              <Label htmlFor="target-sample" className="text-xs text-gray-600">
                Sample event
              </Label>
              <Textarea
                id="target-sample"
                className="mt-1"
                rows={8}
                value={sample}
                onChange={(e) => setSample(e.target.value)}
                spellCheck={false}
              />
            </div>
            <div className="min-w-0">
              <div className="text-xs font-medium text-gray-600">The target receives</div>
              <pre
                className={
                  "mt-1 h-[calc(100%-1.25rem)] min-h-32 overflow-auto rounded-md border p-2 font-mono text-xs whitespace-pre-wrap break-all " +
                  (preview.ok ? "border-gray-800 bg-gray-900 text-gray-100" : "border-red-200 bg-red-50 text-red-800")
                }
                data-testid="target-preview"
              >
                {preview.ok ? prettyMaybe(preview.text) : preview.text}
              </pre>
            </div>
          </div>
        </fieldset>
        <fieldset className="grid gap-3 rounded-lg border border-gray-200 p-3 sm:grid-cols-3">
          <legend className="px-1 text-sm font-medium text-gray-800">Retries and dead letters</legend>
          <FormField label="Retry attempts" error={fe.maximumRetryAttempts} hint="0–185; AWS's default 185">
            <Input inputMode="numeric" value={retries} onChange={(e) => setRetries(e.target.value)} placeholder="185" />
          </FormField>
          <FormField label="Maximum event age (s)" error={fe.maximumEventAgeInSeconds} hint="60–86,400; default 86,400">
            <Input inputMode="numeric" value={maxAge} onChange={(e) => setMaxAge(e.target.value)} placeholder="86400" />
          </FormField>
          <FormField label="Dead-letter queue" error={fe.deadLetterArn}>
            <Select value={dlq} onChange={(e) => setDlq(e.target.value)}>
              <option value="">None</option>
              {(queues.data ?? []).map((q) => (
                <option key={q.arn} value={q.arn}>
                  {q.name}
                </option>
              ))}
            </Select>
          </FormField>
        </fieldset>
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}

function prettyMaybe(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}
