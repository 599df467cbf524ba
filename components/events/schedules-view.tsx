"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarClock, Pause, Pencil, Play, Plus, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  ConfirmDialog,
  FormDialog,
  EmptyState,
  FormField,
  Input,
  LoadingBlock,
  MiddleTruncate,
  Select,
  Table,
  TBody,
  Td,
  Textarea,
  Th,
  THead,
  Tr,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { formatInZone } from "./schedule-field";
import { SCHEDULE_ZONES, ScheduleEditDialog } from "./schedule-edit-dialog";
import { ScheduleTimingFields } from "./schedule-timing-fields";

type Schedule = RouterOutputs["events"]["schedules"][number];

/** EventBridge Scheduler schedules: one-time (at), rate and cron, in a time zone, with their next fire. */
export function SchedulesView({ tenant, canWrite }: { tenant: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ ...trpc.events.schedules.queryOptions({ tenant }), refetchInterval: 15_000 });
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Schedule | null>(null);
  const [editing, setEditing] = useState<Schedule | null>(null);
  const setState = useMutation(
    trpc.events.setScheduleState.mutationOptions({
      onSuccess: async (s) => {
        await qc.invalidateQueries({ queryKey: trpc.events.schedules.pathKey() });
        toast(`Schedule “${s.name}” ${s.state === "ENABLED" ? "enabled" : "disabled"}`);
      },
      onError: (e) => toast(e.message, "danger"),
    }),
  );
  const del = useMutation(
    trpc.events.deleteSchedule.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.events.schedules.pathKey() });
        toast(`Schedule “${deleting?.name}” deleted`);
        setDeleting(null);
      },
    }),
  );
  const create = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create schedule
    </Button>
  );
  return (
    <div className="space-y-3">
      {q.isPending ? (
        <LoadingBlock />
      ) : q.error ? (
        <Alert tone="danger" title="Could not load schedules">
          {q.error.message}
        </Alert>
      ) : q.data.length === 0 ? (
        <EmptyState
          icon={<CalendarClock className="h-5 w-5" aria-hidden />}
          title="No schedules yet"
          description="A schedule sends its input to a queue, topic, bus or function once at a time, or every so often (rate or cron) in a time zone of your choice, daylight-saving included. The EventBridge Scheduler SDK works too."
          action={create}
        />
      ) : (
        <>
          <div className="flex justify-end">{create}</div>
          <Table aria-label="Schedules">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>When</Th>
                <Th>Next fire</Th>
                <Th>State</Th>
                {canWrite && <Th />}
              </tr>
            </THead>
            <TBody>
              {q.data.map((s) => (
                <Tr key={s.arn} data-testid={`schedule-${s.name}`}>
                  <Td className="max-w-[15rem]">
                    <div className="truncate font-medium text-gray-900">{s.name}</div>
                    <div className="flex min-w-0 gap-1 text-xs text-gray-500">
                      <span className="shrink-0">group {s.group} →</span>
                      <MiddleTruncate value={s.targetArn} className="font-mono" />
                    </div>
                  </Td>
                  <Td className="font-mono text-xs whitespace-nowrap">
                    {s.expression}
                    <div className="font-sans text-gray-500">{s.timezone}</div>
                  </Td>
                  <Td className="text-sm whitespace-nowrap">
                    {s.nextFire && s.state === "ENABLED"
                      ? formatInZone(new Date(s.nextFire).toISOString(), s.timezone)
                      : "—"}
                  </Td>
                  <Td>
                    <Badge tone={s.state === "ENABLED" ? "success" : "neutral"}>
                      {s.state === "ENABLED" ? "Enabled" : "Disabled"}
                    </Badge>
                  </Td>
                  {canWrite && (
                    <Td className="text-right whitespace-nowrap">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`${s.state === "ENABLED" ? "Disable" : "Enable"} schedule ${s.name}`}
                        title={s.state === "ENABLED" ? "Disable" : "Enable"}
                        loading={setState.isPending && setState.variables?.name === s.name}
                        onClick={() =>
                          setState.mutate({ tenant, name: s.name, group: s.group, enabled: s.state !== "ENABLED" })
                        }
                      >
                        {s.state === "ENABLED" ? (
                          <Pause className="h-4 w-4" aria-hidden />
                        ) : (
                          <Play className="h-4 w-4" aria-hidden />
                        )}
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Edit schedule ${s.name}`}
                        onClick={() => setEditing(s)}
                      >
                        <Pencil className="h-4 w-4" aria-hidden />
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-600 hover:bg-red-50"
                        aria-label={`Delete schedule ${s.name}`}
                        onClick={() => setDeleting(s)}
                      >
                        <Trash2 className="h-4 w-4" aria-hidden />
                      </Button>
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        </>
      )}
      {canWrite && creating && <CreateScheduleDialog tenant={tenant} onClose={() => setCreating(false)} />}
      {canWrite && editing && (
        <ScheduleEditDialog tenant={tenant} schedule={editing} onClose={() => setEditing(null)} />
      )}
      <ConfirmDialog
        open={!!deleting}
        onClose={() => {
          del.reset();
          setDeleting(null);
        }}
        onConfirm={() => deleting && del.mutate({ tenant, name: deleting.name, group: deleting.group })}
        loading={del.isPending}
        title={`Delete schedule “${deleting?.name}”?`}
        confirmLabel="Delete schedule"
        error={del.error?.message}
      >
        <p>It stops firing at once. Invocations already made stay where they are.</p>
      </ConfirmDialog>
    </div>
  );
}

function CreateScheduleDialog({ tenant, onClose }: { tenant: string; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const [name, setName] = useState("");
  const [expression, setExpression] = useState("cron(0 9 ? * MON-FRI *)");
  const [timezone, setTimezone] = useState(zone);
  const [flex, setFlex] = useState("");
  const [targetKind, setTargetKind] = useState<"queue" | "topic" | "bus" | "function" | "arn">("queue");
  const [targetArn, setTargetArn] = useState("");
  const [input, setInput] = useState('{ "job": "daily-report" }');
  const [groupId, setGroupId] = useState("");
  const [detailType, setDetailType] = useState("Scheduled Event");
  const [eventSource, setEventSource] = useState("signalbox.scheduler");
  const [deleteAfter, setDeleteAfter] = useState(false);
  const queues = useQuery(trpc.queue.list.queryOptions({ tenant }));
  const topics = useQuery({ ...trpc.topic.list.queryOptions({ tenant }), enabled: targetKind === "topic" });
  const buses = useQuery({ ...trpc.events.buses.queryOptions({ tenant }), enabled: targetKind === "bus" });
  const functions = useQuery({
    ...trpc.function.list.queryOptions({ tenant, marker: null }),
    enabled: targetKind === "function",
  });
  const options =
    targetKind === "queue"
      ? (queues.data ?? []).map((x) => ({ arn: x.arn, label: x.name }))
      : targetKind === "topic"
        ? (topics.data ?? []).map((x) => ({ arn: x.arn, label: x.name }))
        : targetKind === "bus"
          ? (buses.data ?? []).map((x) => ({ arn: x.arn, label: x.name }))
          : targetKind === "function"
            ? (functions.data?.functions ?? []).map((x) => ({ arn: x.arn, label: x.name }))
            : [];
  const fifo = targetKind === "queue" && targetArn.endsWith(".fifo");
  const toBus = /:event-bus\//.test(targetArn);
  const create = useMutation(
    trpc.events.createSchedule.mutationOptions({
      onSuccess: async (s) => {
        await qc.invalidateQueries({ queryKey: trpc.events.schedules.pathKey() });
        toast(`Schedule “${s.name}” created`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const other = otherErrors(create.error, [
    "name",
    "expression",
    "timezone",
    "flexibleWindowMinutes",
    "targetArn",
    "input",
    "detailType",
    "eventSource",
  ]);
  const zones = SCHEDULE_ZONES.includes(zone) ? SCHEDULE_ZONES : [zone, ...SCHEDULE_ZONES];
  return (
    <FormDialog
      formId="schedule-form"
      title="Create schedule"
      description="EventBridge Scheduler: invokes its target on time, exactly once per fire time, however many workers run."
      submitLabel="Create schedule"
      loading={create.isPending}
      onClose={onClose}
      onSubmit={() => {
        create.mutate({
          tenant,
          name: name.trim(),
          expression: expression.trim(),
          timezone,
          flexibleWindowMinutes: flex.trim() ? Number(flex) : undefined,
          enabled: true,
          deleteAfterCompletion: deleteAfter,
          targetArn: targetArn.trim(),
          input: input.trim() || undefined,
          messageGroupId: fifo ? groupId.trim() || undefined : undefined,
          ...(toBus ? { detailType: detailType.trim(), eventSource: eventSource.trim() } : {}),
        });
      }}
    >
      <FormField label="Name" error={fe.name}>
        <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-autofocus />
      </FormField>
      <ScheduleTimingFields
        expression={expression}
        onExpression={setExpression}
        timezone={timezone}
        onTimezone={setTimezone}
        zones={zones}
        errors={fe}
        count={10}
        title={`Next 10 fire times in ${timezone}`}
        testId="schedule-fire-times"
      />
      <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
        <FormField label="Target type">
          <Select
            value={targetKind}
            onChange={(e) => {
              setTargetKind(e.target.value as typeof targetKind);
              setTargetArn("");
            }}
          >
            <option value="queue">Queue</option>
            <option value="topic">Topic</option>
            <option value="bus">Event bus</option>
            <option value="function">Function</option>
            <option value="arn">Other (ARN)</option>
          </Select>
        </FormField>
        {targetKind === "arn" ? (
          <FormField label="Target ARN" error={fe.targetArn}>
            <Input value={targetArn} onChange={(e) => setTargetArn(e.target.value)} className="font-mono" />
          </FormField>
        ) : (
          <FormField label="Target" error={fe.targetArn}>
            <Select value={targetArn} onChange={(e) => setTargetArn(e.target.value)}>
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
      {fifo && (
        <FormField label="Message group id" hint="Required for a FIFO queue.">
          <Input value={groupId} onChange={(e) => setGroupId(e.target.value)} />
        </FormField>
      )}
      {toBus && (
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Detail type" error={fe.detailType} hint="The event's detail-type on the bus.">
            <Input value={detailType} onChange={(e) => setDetailType(e.target.value)} />
          </FormField>
          <FormField label="Source" error={fe.eventSource} hint="The event's source; the input is its detail.">
            <Input value={eventSource} onChange={(e) => setEventSource(e.target.value)} className="font-mono" />
          </FormField>
        </div>
      )}
      <FormField label={toBus ? "Detail (a JSON object)" : "Input (sent as is)"} error={fe.input}>
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
          <input type="checkbox" checked={deleteAfter} onChange={(e) => setDeleteAfter(e.target.checked)} />
          Delete after its last fire (one-time schedules)
        </label>
      </div>
      {other && <Alert tone="danger">{other}</Alert>}
    </FormDialog>
  );
}
