"use client";
import { useCallback, useState, type ReactNode } from "react";
import { Plus, Trash2 } from "lucide-react";
import { Button, FormField, Input, Select, FieldError, cn } from "@/components/ui";
import { UNITS, formatBytes, formatDuration, unitSeconds, type UnitId } from "./format";
import type { Duration, FormErrors, QueueFormState } from "./queue-settings";

export type QueueOption = { name: string; arn: string; fifo: boolean };

/** Form state for QueueSettingsFields: `edit` applies a patch and clears the edited fields' messages. */
export function useQueueForm(initial: () => QueueFormState) {
  const [state, setState] = useState<QueueFormState>(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const edit = useCallback((patch: Partial<QueueFormState>) => {
    setState((s) => ({ ...s, ...patch }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) delete next[k as keyof FormErrors];
      return next;
    });
  }, []);
  return { state, setState, errors, setErrors, edit };
}

/** A number plus a unit (seconds…days), e.g. retention "4 days". */
function DurationInput({
  id,
  value,
  onChange,
  units,
  invalid,
  ...aria
}: {
  id?: string;
  value: Duration;
  onChange: (d: Duration) => void;
  units: readonly UnitId[];
  invalid?: boolean;
  "aria-describedby"?: string;
}) {
  return (
    <div className="flex gap-2">
      <Input
        id={id}
        inputMode="numeric"
        value={value.value}
        onChange={(e) => onChange({ ...value, value: e.target.value })}
        invalid={invalid}
        aria-describedby={aria["aria-describedby"]}
        className="min-w-0"
      />
      <div className="w-32 shrink-0">
        <Select
          aria-label="Unit"
          value={value.unit}
          onChange={(e) => onChange({ ...value, unit: e.target.value as UnitId })}
        >
          {UNITS.filter((u) => units.includes(u.id)).map((u) => (
            <option key={u.id} value={u.id}>
              {u.label}
            </option>
          ))}
        </Select>
      </div>
    </div>
  );
}

function durationHint(d: Duration, base: string): string {
  const n = Number(d.value);
  if (!/^\d+$/.test(d.value.trim()) || d.unit === "s" || n === 0) return base;
  return `${base} (${(n * unitSeconds(d.unit)).toLocaleString("en-US")} seconds)`;
}

export function Checkbox({
  id,
  checked,
  onChange,
  label,
  hint,
  disabled,
}: {
  id: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  label: ReactNode;
  hint?: ReactNode;
  disabled?: boolean;
}) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        className="mt-0.5 h-4 w-4 rounded border-gray-300 accent-[var(--color-accent-600)]"
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-gray-800">
          {label}
        </label>
        {hint && <p className="text-xs text-gray-500">{hint}</p>}
      </div>
    </div>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-4 border-t border-gray-200 pt-4 first:border-t-0 first:pt-0">
      <legend className="sr-only">{title}</legend>
      <div>
        <h3 className="text-sm font-semibold text-gray-900">{title}</h3>
        {description && <p className="text-xs text-gray-500">{description}</p>}
      </div>
      {children}
    </fieldset>
  );
}

/**
 * Every queue attribute as a form field. `mode="create"` adds name, type and tags; the type of an
 * existing queue cannot change (AWS), so edit shows FIFO options only for FIFO queues.
 */
export function QueueSettingsFields({
  mode,
  state,
  set,
  errors,
  queues,
  selfArn,
}: {
  mode: "create" | "edit";
  state: QueueFormState;
  set: (patch: Partial<QueueFormState>) => void;
  errors: FormErrors;
  queues: QueueOption[];
  selfArn?: string;
}) {
  const dlqChoices = queues.filter((q) => q.fifo === state.fifo && q.arn !== selfArn);
  const sourceChoices = queues.filter((q) => q.arn !== selfArn);
  const setType = (fifo: boolean) => {
    // Keep the name and the type in step: FIFO names end in .fifo.
    let name = state.name;
    if (fifo && name && !name.endsWith(".fifo")) name = `${name}.fifo`;
    if (!fifo && name.endsWith(".fifo")) name = name.slice(0, -5);
    set({ fifo, name, dlqArn: "" });
  };
  return (
    <div className="space-y-6">
      {mode === "create" && (
        <Section title="Details">
          <div>
            <span className="mb-1.5 block text-sm font-medium text-gray-800" id="queue-type-label">
              Type
            </span>
            <div role="radiogroup" aria-labelledby="queue-type-label" className="grid gap-2 sm:grid-cols-2">
              {[
                {
                  fifo: false,
                  title: "Standard",
                  text: "At-least-once delivery, best-effort order, nearly unlimited throughput.",
                },
                {
                  fifo: true,
                  title: "FIFO",
                  text: "Exactly-once processing and strict order within each message group.",
                },
              ].map((t) => (
                <label
                  key={t.title}
                  className={cn(
                    "flex cursor-pointer gap-3 rounded-lg border p-3 text-sm",
                    state.fifo === t.fifo
                      ? "border-accent-500 bg-accent-50 ring-1 ring-accent-500"
                      : "border-gray-300 bg-white hover:bg-gray-50",
                  )}
                >
                  <input
                    type="radio"
                    name="queue-type"
                    className="mt-0.5 accent-[var(--color-accent-600)]"
                    checked={state.fifo === t.fifo}
                    onChange={() => setType(t.fifo)}
                  />
                  <span>
                    <span className="block font-medium text-gray-900">{t.title}</span>
                    <span className="block text-xs text-gray-500">{t.text}</span>
                  </span>
                </label>
              ))}
            </div>
          </div>
          <FormField
            label="Name"
            error={errors.name}
            hint={
              state.fifo
                ? "Letters, digits, - and _, ending in .fifo; up to 80 characters in all."
                : "Letters, digits, hyphens and underscores; up to 80 characters. Cannot be changed later."
            }
          >
            <Input
              name="name"
              value={state.name}
              onChange={(e) => set({ name: e.target.value })}
              // FIFO names must end in .fifo: add it rather than complain.
              onBlur={() =>
                state.fifo &&
                state.name.trim() &&
                !state.name.trim().endsWith(".fifo") &&
                set({ name: `${state.name.trim()}.fifo` })
              }
              autoComplete="off"
              spellCheck={false}
              placeholder={state.fifo ? "orders.fifo" : "orders"}
              data-autofocus
            />
          </FormField>
        </Section>
      )}

      <Section title="Configuration">
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField
            label="Visibility timeout"
            error={errors.visibilityTimeout}
            hint={durationHint(state.visibilityTimeout, "How long a received message stays hidden; 0 s – 12 hours.")}
          >
            <DurationInput
              value={state.visibilityTimeout}
              onChange={(d) => set({ visibilityTimeout: d })}
              units={["s", "m", "h"]}
            />
          </FormField>
          <FormField
            label="Message retention period"
            error={errors.retention}
            hint={durationHint(state.retention, "Messages older than this are deleted; 1 minute – 14 days.")}
          >
            <DurationInput
              value={state.retention}
              onChange={(d) => set({ retention: d })}
              units={["s", "m", "h", "d"]}
            />
          </FormField>
          <FormField
            label="Maximum message size (KiB)"
            error={errors.maxSizeKiB}
            hint={`1 – 1,024 KiB${/^\d+$/.test(state.maxSizeKiB) ? ` (${formatBytes(Number(state.maxSizeKiB) * 1024)})` : ""}.`}
          >
            <Input inputMode="numeric" value={state.maxSizeKiB} onChange={(e) => set({ maxSizeKiB: e.target.value })} />
          </FormField>
          <FormField
            label="Delivery delay (seconds)"
            error={errors.delaySeconds}
            hint={`New messages stay hidden this long; 0 – 900 (15 minutes).${/^\d+$/.test(state.delaySeconds) && Number(state.delaySeconds) >= 60 ? ` ${formatDuration(Number(state.delaySeconds))}.` : ""}`}
          >
            <Input
              inputMode="numeric"
              value={state.delaySeconds}
              onChange={(e) => set({ delaySeconds: e.target.value })}
            />
          </FormField>
          <FormField
            label="Receive message wait time (seconds)"
            error={errors.waitSeconds}
            hint="Default long-poll wait of ReceiveMessage; 0 – 20."
          >
            <Input
              inputMode="numeric"
              value={state.waitSeconds}
              onChange={(e) => set({ waitSeconds: e.target.value })}
            />
          </FormField>
        </div>
      </Section>

      {state.fifo && (
        <Section title="FIFO options" description="Deduplication and throughput of a FIFO queue.">
          <Checkbox
            id="cbd"
            checked={state.contentBasedDeduplication}
            onChange={(v) => set({ contentBasedDeduplication: v })}
            label="Content-based deduplication"
            hint="Use a SHA-256 of the body as the deduplication id when a message has none."
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Deduplication scope" error={errors.deduplicationScope}>
              <Select
                value={state.deduplicationScope}
                onChange={(e) => set({ deduplicationScope: e.target.value as QueueFormState["deduplicationScope"] })}
              >
                <option value="queue">Queue</option>
                <option value="messageGroup">Message group</option>
              </Select>
            </FormField>
            <FormField label="FIFO throughput limit" error={errors.fifoThroughputLimit}>
              <Select
                value={state.fifoThroughputLimit}
                onChange={(e) => set({ fifoThroughputLimit: e.target.value as QueueFormState["fifoThroughputLimit"] })}
              >
                <option value="perQueue">Per queue</option>
                <option value="perMessageGroupId">Per message group id</option>
              </Select>
            </FormField>
          </div>
        </Section>
      )}

      <Section
        title="Dead-letter queue"
        description="Move messages that keep failing to another queue after a number of receives."
      >
        <Checkbox
          id="dlq-enabled"
          checked={state.dlqEnabled}
          onChange={(v) => set({ dlqEnabled: v })}
          label="Send undeliverable messages to a dead-letter queue"
        />
        {state.dlqEnabled && (
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField
              label="Dead-letter queue"
              error={errors.dlqArn}
              hint={
                dlqChoices.length === 0
                  ? `No ${state.fifo ? "FIFO" : "standard"} queue to choose yet: create the dead-letter queue first.`
                  : `A ${state.fifo ? "FIFO" : "standard"} queue of this team.`
              }
            >
              <Select value={state.dlqArn} onChange={(e) => set({ dlqArn: e.target.value })}>
                <option value="">Choose a queue…</option>
                {dlqChoices.map((q) => (
                  <option key={q.arn} value={q.arn}>
                    {q.name}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField
              label="Maximum receives"
              error={errors.maxReceiveCount}
              hint="Receives before the message moves; 1 – 1,000."
            >
              <Input
                inputMode="numeric"
                value={state.maxReceiveCount}
                onChange={(e) => set({ maxReceiveCount: e.target.value })}
              />
            </FormField>
          </div>
        )}
      </Section>

      <Section title="Redrive allow policy" description="Which queues may use this queue as their dead-letter queue.">
        <FormField
          label="Source queues allowed"
          error={state.redrivePermission !== "byQueue" ? errors.redriveSources : undefined}
        >
          <Select
            value={state.redrivePermission}
            onChange={(e) => set({ redrivePermission: e.target.value as QueueFormState["redrivePermission"] })}
          >
            <option value="allowAll">Any queue (default)</option>
            <option value="byQueue">Only the queues I choose</option>
            <option value="denyAll">No queue</option>
          </Select>
        </FormField>
        {state.redrivePermission === "byQueue" && (
          <div>
            <div className="max-h-40 space-y-1.5 overflow-y-auto rounded-md border border-gray-200 p-3">
              {sourceChoices.length === 0 && <p className="text-sm text-gray-500">No other queues yet.</p>}
              {sourceChoices.map((q) => (
                <Checkbox
                  key={q.arn}
                  id={`src-${q.name}`}
                  checked={state.redriveSources.includes(q.arn)}
                  onChange={(v) =>
                    set({
                      redriveSources: v
                        ? [...state.redriveSources, q.arn]
                        : state.redriveSources.filter((a) => a !== q.arn),
                    })
                  }
                  label={q.name}
                />
              ))}
            </div>
            <FieldError messages={errors.redriveSources} />
          </div>
        )}
      </Section>

      {mode === "create" && (
        <Section title="Tags" description="Optional key/value labels (up to 50).">
          <div className="space-y-2">
            {state.tags.map((t, i) => (
              <div key={i} className="flex gap-2">
                <Input
                  aria-label={`Tag ${i + 1} key`}
                  placeholder="Key"
                  value={t.key}
                  onChange={(e) =>
                    set({ tags: state.tags.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)) })
                  }
                />
                <Input
                  aria-label={`Tag ${i + 1} value`}
                  placeholder="Value"
                  value={t.value}
                  onChange={(e) =>
                    set({ tags: state.tags.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })
                  }
                />
                <Button
                  variant="ghost"
                  size="md"
                  aria-label={`Remove tag ${i + 1}`}
                  onClick={() => set({ tags: state.tags.filter((_, j) => j !== i) })}
                >
                  <Trash2 className="h-4 w-4" aria-hidden />
                </Button>
              </div>
            ))}
            <FieldError messages={errors.tagsList} />
            <Button
              variant="secondary"
              size="sm"
              onClick={() => set({ tags: [...state.tags, { key: "", value: "" }] })}
              disabled={state.tags.length >= 50}
            >
              <Plus className="h-4 w-4" aria-hidden />
              Add tag
            </Button>
          </div>
        </Section>
      )}
    </div>
  );
}
