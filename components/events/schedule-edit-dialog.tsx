"use client";
import { useMemo, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleAlert } from "lucide-react";
import {
  Alert,
  Dialog,
  FormDialogFooter,
  FormField,
  Input,
  KeyValue,
  Select,
  Textarea,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { describeNextFireTimes } from "@/server/core/schedule/expressions";
import { formatInZone } from "./schedule-field";

type Schedule = RouterOutputs["events"]["schedules"][number];

export const SCHEDULE_ZONES = [
  "UTC",
  "America/Los_Angeles",
  "America/New_York",
  "Europe/London",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Asia/Tokyo",
  "Australia/Sydney",
];

const SHOWN = ["expression", "timezone", "input", "flexibleWindowMinutes"];

/**
 * Edit a schedule: when it fires (expression, time zone, flexible window), what it sends (input)
 * and whether it is enabled. The target, its retry policy and dead-letter queue stay as they are.
 */
export function ScheduleEditDialog({
  tenant,
  schedule,
  onClose,
}: {
  tenant: string;
  schedule: Schedule;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [expression, setExpression] = useState(schedule.expression);
  const [timezone, setTimezone] = useState(schedule.timezone);
  const [input, setInput] = useState(schedule.input ?? "");
  const [flex, setFlex] = useState(schedule.flexibleWindowMinutes ? String(schedule.flexibleWindowMinutes) : "");
  const [enabled, setEnabled] = useState(schedule.state === "ENABLED");
  const preview = useMemo(
    () => describeNextFireTimes(expression.trim(), timezone, 5, { dialect: "scheduler" }),
    [expression, timezone],
  );
  const save = useMutation(
    trpc.events.updateSchedule.mutationOptions({
      onSuccess: async (s) => {
        await qc.invalidateQueries({ queryKey: trpc.events.schedules.pathKey() });
        toast(`Schedule “${s.name}” saved`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const other = otherErrors(save.error, SHOWN);
  const zones = SCHEDULE_ZONES.includes(timezone) ? SCHEDULE_ZONES : [timezone, ...SCHEDULE_ZONES];
  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      title={`Edit schedule “${schedule.name}”`}
      description="Changes apply from the next fire time on. A fire already under way finishes as it started."
      footer={
        <FormDialogFooter
          formId="schedule-edit-form"
          submitLabel="Save schedule"
          onCancel={onClose}
          loading={save.isPending}
        />
      }
    >
      <form
        id="schedule-edit-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({
            tenant,
            name: schedule.name,
            group: schedule.group,
            expression: expression.trim(),
            timezone,
            input: input.trim() ? input : undefined,
            flexibleWindowMinutes: flex.trim() ? Number(flex) : undefined,
            enabled,
          });
        }}
      >
        <KeyValue
          items={[
            { label: "Group", value: schedule.group },
            { label: "Target", value: schedule.targetArn, mono: true },
          ]}
        />
        <div className="grid gap-4 sm:grid-cols-[1fr_14rem]">
          <FormField
            label="Schedule expression"
            error={fe.expression}
            hint="at(2026-12-24T09:00:00), rate(15 minutes) or cron(0 9 ? * MON-FRI *)"
          >
            <Input
              value={expression}
              onChange={(e) => setExpression(e.target.value)}
              className="font-mono"
              data-autofocus
            />
          </FormField>
          <FormField label="Time zone" error={fe.timezone}>
            <Select value={timezone} onChange={(e) => setTimezone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </Select>
          </FormField>
        </div>
        <div className="rounded-lg border border-gray-200 bg-gray-50/70 p-3">
          <div className="mb-2 text-sm font-medium text-gray-800">Next fire times in {timezone}</div>
          {preview.ok ? (
            preview.times.length ? (
              <ol className="grid gap-x-6 gap-y-1 text-sm tabular-nums sm:grid-cols-2" data-testid="edit-fire-times">
                {preview.times.map((t) => (
                  <li key={t.utc} className="text-gray-900">
                    {formatInZone(t.utc, timezone)}
                  </li>
                ))}
              </ol>
            ) : (
              <p className="text-sm text-gray-500">This expression never fires again.</p>
            )
          ) : (
            <p className="flex items-start gap-1.5 text-sm text-red-600">
              <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
              {preview.message}
            </p>
          )}
        </div>
        <FormField
          label="Input (sent as is)"
          error={fe.input}
          hint="<aws.scheduler.scheduled-time>, <aws.scheduler.execution-id> and <aws.scheduler.attempt-number> are filled in on each invocation."
        >
          <Textarea rows={3} value={input} onChange={(e) => setInput(e.target.value)} spellCheck={false} />
        </FormField>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField
            label="Flexible window (minutes, optional)"
            error={fe.flexibleWindowMinutes}
            hint="Fires at a random time within the window."
          >
            <Input inputMode="numeric" value={flex} onChange={(e) => setFlex(e.target.value)} />
          </FormField>
          <label className="flex items-center gap-2 self-center text-sm text-gray-800">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            Enabled (a disabled schedule keeps its settings and fires nothing)
          </label>
        </div>
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}
