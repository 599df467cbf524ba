"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Archive, Plus, RotateCcw, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardHeader,
  ConfirmDialog,
  Dialog,
  EmptyState,
  FormDialogFooter,
  FormField,
  Input,
  LoadingBlock,
  RelativeTime,
  Select,
  Table,
  TableEmptyRow,
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

type Data = RouterOutputs["events"]["archives"];
type ArchiveItem = Data["archives"][number];

const REPLAY_TONE: Record<string, "info" | "success" | "danger" | "warning" | "neutral"> = {
  STARTING: "info",
  RUNNING: "info",
  CANCELLING: "warning",
  COMPLETED: "success",
  CANCELLED: "neutral",
  FAILED: "danger",
};

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Local datetime-local value for a Date. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * Archives of the bus (pattern, retention, event count and size) and replays of a time window from
 * an archive back to the bus, optionally to only some rules, with their progress.
 */
export function ArchivesTab({ tenant, bus, canWrite }: { tenant: string; bus: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({
    ...trpc.events.archives.queryOptions({ tenant, bus }),
    // Follow replays in progress.
    refetchInterval: (query) => {
      const d = query.state.data as Data | undefined;
      return d?.replays.some((r) => ["STARTING", "RUNNING", "CANCELLING"].includes(r.state)) ? 2000 : 15_000;
    },
  });
  const [creating, setCreating] = useState(false);
  const [replaying, setReplaying] = useState<ArchiveItem | null>(null);
  const [deleting, setDeleting] = useState<ArchiveItem | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.events.archives.pathKey() });
  const del = useMutation(
    trpc.events.deleteArchive.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast(`Archive “${deleting?.name}” deleted`);
        setDeleting(null);
      },
    }),
  );
  const cancel = useMutation(
    trpc.events.cancelReplay.mutationOptions({
      onSuccess: async (r) => {
        await refresh();
        toast(`Cancelling replay “${r.name}”`);
      },
      onError: (e) => toast(e.message, "danger"),
    }),
  );
  if (q.isPending) return <LoadingBlock />;
  if (q.error)
    return (
      <Alert tone="danger" title="Could not load archives">
        {q.error.message}
      </Alert>
    );
  const { archives, replays } = q.data;
  const create = canWrite && (
    <Button size="sm" onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create archive
    </Button>
  );
  return (
    <div className="space-y-5">
      {archives.length === 0 ? (
        <EmptyState
          icon={<Archive className="h-5 w-5" aria-hidden />}
          title="No archives"
          description="An archive keeps the events of this bus that match its pattern (all of them without one) for a number of days, so you can replay a time window later, to every rule or only some."
          action={create}
        />
      ) : (
        <Card>
          <CardHeader title="Archives" description="Events are archived as they arrive." actions={create} />
          <Table aria-label="Archives">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Pattern</Th>
                <Th>Retention</Th>
                <Th>Events</Th>
                <Th>Size</Th>
                <Th>State</Th>
                {canWrite && <Th className="text-right">Actions</Th>}
              </tr>
            </THead>
            <TBody>
              {archives.map((a) => (
                <Tr key={a.arn} data-testid={`archive-${a.name}`}>
                  <Td className="max-w-[12rem]">
                    <div className="truncate font-medium text-gray-900">{a.name}</div>
                    {a.description && <div className="truncate text-xs text-gray-500">{a.description}</div>}
                  </Td>
                  <Td className="max-w-[16rem] truncate font-mono text-xs text-gray-600" title={a.eventPattern ?? ""}>
                    {a.eventPattern ?? "every event"}
                  </Td>
                  <Td>{a.retentionDays ? `${a.retentionDays} days` : "Forever"}</Td>
                  <Td className="tabular-nums" data-testid="archive-count">
                    {a.eventCount.toLocaleString()}
                  </Td>
                  <Td className="tabular-nums">{formatBytes(a.sizeBytes)}</Td>
                  <Td>
                    <Badge tone={a.state === "ENABLED" ? "success" : "neutral"}>{a.state}</Badge>
                  </Td>
                  {canWrite && (
                    <Td className="text-right whitespace-nowrap">
                      <Button size="sm" variant="secondary" onClick={() => setReplaying(a)}>
                        <RotateCcw className="h-4 w-4" aria-hidden />
                        Replay
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-600 hover:bg-red-50"
                        aria-label={`Delete archive ${a.name}`}
                        onClick={() => setDeleting(a)}
                      >
                        <Trash2 className="h-4 w-4" aria-hidden />
                      </Button>
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        </Card>
      )}
      {(archives.length > 0 || replays.length > 0) && (
        <Card>
          <CardHeader title="Replays" description="Replayed events carry replay-name in their envelope." />
          <Table aria-label="Replays">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Window</Th>
                <Th>Progress</Th>
                <Th>State</Th>
                <Th>Started</Th>
                {canWrite && <Th className="text-right">Actions</Th>}
              </tr>
            </THead>
            <TBody>
              {replays.length === 0 ? (
                <TableEmptyRow colSpan={canWrite ? 6 : 5}>No replay yet.</TableEmptyRow>
              ) : (
                replays.map((r) => {
                  const pct =
                    r.totalCount && r.totalCount > 0
                      ? Math.min(100, Math.round((r.replayedCount / r.totalCount) * 100))
                      : r.state === "COMPLETED"
                        ? 100
                        : 0;
                  return (
                    <Tr key={r.arn} data-testid={`replay-${r.name}`}>
                      <Td className="max-w-[12rem]">
                        <div className="truncate font-medium text-gray-900">{r.name}</div>
                        <div className="truncate text-xs text-gray-500">from {r.eventSourceArn.split("/").pop()}</div>
                      </Td>
                      <Td className="text-xs whitespace-nowrap text-gray-600">
                        {new Date(r.eventStartTime).toLocaleString()} → {new Date(r.eventEndTime).toLocaleString()}
                      </Td>
                      <Td className="min-w-[10rem]">
                        <div className="h-1.5 w-full overflow-hidden rounded-full bg-gray-100" aria-hidden>
                          <div className="h-full rounded-full bg-accent-500" style={{ width: `${pct}%` }} />
                        </div>
                        <div className="mt-1 text-xs text-gray-600 tabular-nums" data-testid="replay-progress">
                          {r.replayedCount.toLocaleString()}
                          {r.totalCount != null ? ` of ${r.totalCount.toLocaleString()}` : ""} events
                        </div>
                      </Td>
                      <Td>
                        <Badge tone={REPLAY_TONE[r.state] ?? "neutral"}>{r.state}</Badge>
                        {r.stateReason && (
                          <div className="mt-1 max-w-[14rem] truncate text-xs text-gray-500">{r.stateReason}</div>
                        )}
                      </Td>
                      <Td>
                        <RelativeTime date={r.replayStartTime ?? r.createdAt} />
                      </Td>
                      {canWrite && (
                        <Td className="text-right">
                          {(r.state === "STARTING" || r.state === "RUNNING") && (
                            <Button
                              size="sm"
                              variant="secondary"
                              loading={cancel.isPending && cancel.variables?.name === r.name}
                              onClick={() => cancel.mutate({ tenant, bus, name: r.name })}
                            >
                              Cancel
                            </Button>
                          )}
                        </Td>
                      )}
                    </Tr>
                  );
                })
              )}
            </TBody>
          </Table>
        </Card>
      )}
      {canWrite && <CreateArchiveDialog open={creating} onClose={() => setCreating(false)} tenant={tenant} bus={bus} />}
      {canWrite && replaying && (
        <StartReplayDialog archive={replaying} onClose={() => setReplaying(null)} tenant={tenant} bus={bus} />
      )}
      <ConfirmDialog
        open={!!deleting}
        onClose={() => {
          del.reset();
          setDeleting(null);
        }}
        onConfirm={() => deleting && del.mutate({ tenant, bus, name: deleting.name })}
        loading={del.isPending}
        title={`Delete archive “${deleting?.name}”?`}
        confirmLabel="Delete archive"
        error={del.error?.message}
      >
        <p>Its archived events are deleted with it and cannot be replayed any more.</p>
      </ConfirmDialog>
    </div>
  );
}

function CreateArchiveDialog({
  open,
  onClose,
  tenant,
  bus,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  bus: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [pattern, setPattern] = useState("");
  const [retention, setRetention] = useState("30");
  const create = useMutation(
    trpc.events.createArchive.mutationOptions({
      onSuccess: async (a) => {
        await qc.invalidateQueries({ queryKey: trpc.events.archives.pathKey() });
        toast(`Archive “${a.name}” created`);
        setName("");
        setPattern("");
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const shown = ["name", "archiveName", "description", "eventPattern", "retentionDays"];
  const other = otherErrors(create.error, shown);
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="Create archive"
      description="Keeps this bus's events that match the pattern, from now on."
      footer={
        <FormDialogFooter
          formId="archive-form"
          submitLabel="Create archive"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="archive-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            tenant,
            bus,
            name: name.trim(),
            description: description.trim() || undefined,
            eventPattern: pattern.trim() || undefined,
            retentionDays: retention.trim() === "" ? undefined : Number(retention),
          });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Name" error={fe.name ?? fe.archiveName} hint="Up to 48 letters, digits, . - _">
            <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-autofocus />
          </FormField>
          <FormField label="Retention (days)" error={fe.retentionDays} hint="0 keeps events forever.">
            <Input inputMode="numeric" value={retention} onChange={(e) => setRetention(e.target.value)} />
          </FormField>
        </div>
        <FormField label="Description (optional)" error={fe.description}>
          <Input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={512} />
        </FormField>
        <FormField
          label="Event pattern (optional)"
          error={fe.eventPattern}
          hint="Empty archives every event of the bus."
        >
          <Textarea
            rows={5}
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
            spellCheck={false}
            placeholder='{ "source": ["com.example.orders"] }'
          />
        </FormField>
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}

function StartReplayDialog({
  archive,
  onClose,
  tenant,
  bus,
}: {
  archive: ArchiveItem;
  onClose: () => void;
  tenant: string;
  bus: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const rules = useQuery(trpc.events.rules.queryOptions({ tenant, bus }));
  const [name, setName] = useState(
    `${archive.name}-replay-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "")}`.slice(0, 64),
  );
  const [from, setFrom] = useState(() => localInput(new Date(Date.now() - 3600_000)));
  const [to, setTo] = useState(() => localInput(new Date()));
  const [only, setOnly] = useState<string[]>([]);
  const start = useMutation(
    trpc.events.startReplay.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.events.archives.pathKey() });
        toast(`Replay “${r.name}” started`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(start.error);
  const shown = ["name", "replayName", "from", "to", "eventStartTime", "eventEndTime", "ruleArns"];
  const other = otherErrors(start.error, shown);
  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      title={`Replay from “${archive.name}”`}
      description="Puts the archived events of a time window back on this bus; replayed events carry replay-name."
      footer={
        <FormDialogFooter
          formId="replay-form"
          submitLabel="Start replay"
          onCancel={onClose}
          loading={start.isPending}
        />
      }
    >
      <form
        id="replay-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate({
            tenant,
            bus,
            name: name.trim(),
            archiveArn: archive.arn,
            from: new Date(from),
            to: new Date(to),
            ruleArns: only.length ? only : undefined,
          });
        }}
      >
        <FormField label="Replay name" error={fe.name ?? fe.replayName}>
          <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-autofocus />
        </FormField>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Events from" error={fe.from ?? fe.eventStartTime} hint="Your local time">
            <Input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </FormField>
          <FormField label="Events until" error={fe.to ?? fe.eventEndTime}>
            <Input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </FormField>
        </div>
        <FormField
          label="Only these rules (optional)"
          error={fe.ruleArns}
          hint="None selected: every rule of the bus sees the replayed events."
        >
          <Select
            multiple
            value={only}
            onChange={(e) => setOnly([...e.target.selectedOptions].map((o) => o.value))}
            className="h-28"
          >
            {(rules.data ?? []).map((r) => (
              <option key={r.arn} value={r.arn}>
                {r.name}
              </option>
            ))}
          </Select>
        </FormField>
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}
