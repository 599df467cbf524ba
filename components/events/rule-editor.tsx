"use client";
import { useEffect, useMemo, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2, CircleAlert } from "lucide-react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  FormField,
  Input,
  Label,
  SegmentedControl,
  Textarea,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { PatternSandbox, SAMPLE_EVENT, checkPattern } from "./pattern-sandbox";
import { ScheduleField } from "./schedule-field";
import type { RuleView } from "./types";

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const EXAMPLE_PATTERN = `{\n  "source": ["com.example.orders"],\n  "detail-type": ["Order Paid"],\n  "detail": {\n    "amount": [{ "numeric": [">", 10] }]\n  }\n}`;

type Kind = "pattern" | "schedule";
const SHOWN = ["name", "description", "eventPattern", "scheduleExpression", "state"];

/**
 * Create or edit a rule: name, what it listens for (an event pattern, checked as you type and
 * tested live in the sandbox, or a schedule with its next fire times), and its state.
 */
export function RuleEditor({
  tenant,
  bus,
  rule,
  canWrite,
  onSaved,
}: {
  tenant: string;
  bus: string;
  rule: Pick<RuleView, "name" | "description" | "eventPattern" | "scheduleExpression" | "state"> | null;
  canWrite: boolean;
  onSaved: (r: RuleView) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const current = useCurrentTenant();
  const [name, setName] = useState(rule?.name ?? "");
  const [description, setDescription] = useState(rule?.description ?? "");
  const [kind, setKind] = useState<Kind>(rule?.scheduleExpression && !rule.eventPattern ? "schedule" : "pattern");
  const [pattern, setPattern] = useState(
    rule?.eventPattern ? prettyJson(rule.eventPattern) : rule ? "" : EXAMPLE_PATTERN,
  );
  const [schedule, setSchedule] = useState(rule?.scheduleExpression ?? "rate(5 minutes)");
  const [enabled, setEnabled] = useState(rule ? rule.state !== "DISABLED" : true);
  const [event, setEvent] = useState(() => SAMPLE_EVENT(current.accountId, current.region));
  const debounced = useDebounced(pattern, 200);
  const check = useMemo(() => checkPattern(debounced), [debounced]);
  const save = useMutation(
    trpc.events.putRule.mutationOptions({
      onSuccess: async (r) => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.events.rules.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.events.rule.pathKey() }),
        ]);
        toast(rule ? `Rule “${r.name}” saved` : `Rule “${r.name}” created`);
        onSaved(r);
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const other = otherErrors(save.error, SHOWN);
  const scheduleAllowed = bus === "default";
  return (
    <form
      aria-label={rule ? "Edit rule" : "Create rule"}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          tenant,
          bus,
          name: name.trim(),
          description: description.trim() || undefined,
          eventPattern: kind === "pattern" ? pattern : undefined,
          scheduleExpression: kind === "schedule" ? schedule.trim() : undefined,
          state: enabled ? "ENABLED" : "DISABLED",
        });
      }}
      className="space-y-5"
    >
      <Card>
        <CardHeader title="Rule" description="A name and what the rule listens for." />
        <CardBody className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField
              label="Name"
              error={fe.name}
              hint={rule ? "A rule's name cannot change." : "Letters, digits, . - and _, up to 64 characters."}
            >
              <Input
                value={name}
                onChange={(e) => setName(e.target.value)}
                disabled={!!rule || !canWrite}
                autoComplete="off"
                placeholder="orders-paid-to-queue"
                data-autofocus
              />
            </FormField>
            <FormField label="Description (optional)" error={fe.description}>
              <Input
                value={description}
                onChange={(e) => setDescription(e.target.value)}
                disabled={!canWrite}
                maxLength={512}
              />
            </FormField>
          </div>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <SegmentedControl<Kind>
              label="Rule type"
              options={[
                { value: "pattern", label: "Event pattern" },
                { value: "schedule", label: "Schedule" },
              ]}
              value={kind}
              onChange={setKind}
            />
            <label className="flex items-center gap-2 text-sm text-gray-800">
              <input
                type="checkbox"
                checked={enabled}
                disabled={!canWrite}
                onChange={(e) => setEnabled(e.target.checked)}
              />
              Enabled
            </label>
          </div>
        </CardBody>
      </Card>
      {kind === "pattern" ? (
        <Card>
          <CardHeader
            title="Event pattern"
            description="Events whose fields match every key of the pattern go to the rule's targets. Checked as you type with the bus's own matcher."
          />
          <CardBody className="grid gap-5 lg:grid-cols-2">
            <div className="min-w-0">
              <Label htmlFor="rule-pattern">Event pattern (JSON)</Label>
              <Textarea
                id="rule-pattern"
                className="mt-1.5"
                rows={16}
                spellCheck={false}
                value={pattern}
                disabled={!canWrite}
                invalid={check.state === "error" || !!fe.eventPattern}
                aria-describedby="rule-pattern-status"
                onChange={(e) => setPattern(e.target.value)}
              />
              <div id="rule-pattern-status" className="mt-1.5 text-sm" aria-live="polite" data-testid="pattern-status">
                {fe.eventPattern ? (
                  <p className="flex items-start gap-1.5 text-red-600">
                    <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
                    {fe.eventPattern[0]}
                  </p>
                ) : check.state === "ok" ? (
                  <p className="flex items-center gap-1.5 text-green-700">
                    <CheckCircle2 className="h-4 w-4 shrink-0" aria-hidden />
                    Valid event pattern
                  </p>
                ) : check.state === "error" ? (
                  <p className="flex items-start gap-1.5 text-red-600">
                    <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
                    {check.message}
                  </p>
                ) : (
                  <p className="text-gray-500">A rule needs a pattern or a schedule.</p>
                )}
              </div>
            </div>
            <div className="min-w-0">
              <PatternSandbox
                tenant={tenant}
                bus={bus}
                check={check}
                event={event}
                onEvent={setEvent}
                account={current.accountId}
                region={current.region}
              />
            </div>
          </CardBody>
        </Card>
      ) : (
        <Card>
          <CardHeader
            title="Schedule"
            description="The rule fires on this schedule in UTC and sends the scheduled-event envelope (source aws.events, detail-type Scheduled Event) to its targets."
          />
          <CardBody>
            {!scheduleAllowed && (
              <Alert tone="warning" className="mb-4">
                As on AWS, schedule rules live on the default bus only. Create this rule on “default”, or use the
                Scheduler.
              </Alert>
            )}
            <ScheduleField value={schedule} onChange={setSchedule} error={fe.scheduleExpression} disabled={!canWrite} />
          </CardBody>
        </Card>
      )}
      {other && <Alert tone="danger">{other}</Alert>}
      {canWrite && (
        <div className="flex justify-end gap-2">
          <Button type="submit" loading={save.isPending}>
            {rule ? "Save rule" : "Create rule"}
          </Button>
        </div>
      )}
    </form>
  );
}

function prettyJson(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}
