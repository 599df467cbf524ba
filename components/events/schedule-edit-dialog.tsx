"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, FormDialog, FormField, Input, KeyValue, Textarea, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { ScheduleTimingFields } from "./schedule-timing-fields";

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
    <FormDialog
      formId="schedule-edit-form"
      title={`Edit schedule “${schedule.name}”`}
      description="Changes apply from the next fire time on. A fire already under way finishes as it started."
      submitLabel="Save schedule"
      loading={save.isPending}
      onClose={onClose}
      onSubmit={() => {
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
      <ScheduleTimingFields
        expression={expression}
        onExpression={setExpression}
        timezone={timezone}
        onTimezone={setTimezone}
        zones={zones}
        errors={fe}
        count={5}
        title={`Next fire times in ${timezone}`}
        testId="edit-fire-times"
        autoFocus
      />
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
    </FormDialog>
  );
}
