"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plug, Plus, RotateCw, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ConfirmDialog,
  CopyField,
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
  Th,
  THead,
  Tr,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";

type Source = RouterOutputs["eventSource"]["list"][number];
type Kind = "standard-webhooks" | "github" | "stripe" | "token";

const KINDS: { value: Kind; label: string; hint: string }[] = [
  {
    value: "github",
    label: "GitHub",
    hint: "Paste the secret into the webhook's settings; requests carry X-Hub-Signature-256.",
  },
  {
    value: "stripe",
    label: "Stripe",
    hint: "Add the endpoint in Stripe, then rotate here with the whsec_… Stripe shows.",
  },
  {
    value: "standard-webhooks",
    label: "Standard Webhooks",
    hint: "Svix, Clerk, Resend and others: webhook-id, -timestamp and -signature.",
  },
  {
    value: "token",
    label: "Shared token",
    hint: "The sender puts the secret in a header (X-Signalbox-Token by default).",
  },
];
const kindLabel = (k: string) => KINDS.find((x) => x.value === k)?.label ?? k;

/**
 * Inbound event sources of a bus: HTTPS ingest URLs for SaaS apps. Each verified request becomes an
 * event (`source` partner.<name>, the body as `detail`); the secret is shown once.
 */
export function SourcesTab({ tenant, bus, canWrite }: { tenant: string; bus: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const sources = useQuery(trpc.eventSource.list.queryOptions({ tenant, bus }));
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Source | null>(null);
  const del = useMutation(
    trpc.eventSource.delete.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.eventSource.list.pathKey() });
        toast(`Source “${deleting?.name}” deleted`);
        setDeleting(null);
      },
    }),
  );
  const rotate = useMutation(
    trpc.eventSource.rotateSecret.mutationOptions({
      onSuccess: (r) => setSecret({ title: "New signing secret", value: r.secret }),
      onError: (e) => toast(e.message, "danger"),
    }),
  );
  const add = canWrite && (
    <Button size="sm" onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Add source
    </Button>
  );
  if (sources.isPending) return <LoadingBlock />;
  if (sources.error)
    return (
      <Alert tone="danger" title="Could not load event sources">
        {sources.error.message}
      </Alert>
    );
  return (
    <div className="space-y-4">
      {sources.data.length === 0 ? (
        <EmptyState
          icon={<Plug className="h-5 w-5" aria-hidden />}
          title="No event sources"
          description="Give a SaaS app (GitHub, Stripe, anything that sends Standard Webhooks or a shared token) an HTTPS URL of this bus: each request it signs becomes an event with source partner.<name>."
          action={add}
        />
      ) : (
        <>
          <div className="flex items-center justify-between">
            <p className="text-sm text-gray-500">
              Requests whose signature does not verify, or that are stale or replayed, are refused and listed.
            </p>
            {add}
          </div>
          <div className="space-y-3">
            {sources.data.map((s) => (
              <Card key={s.id} data-testid={`source-${s.name}`}>
                <CardHeader
                  title={
                    <span className="flex items-center gap-2">
                      {s.name} <Badge>{kindLabel(s.kind)}</Badge>
                    </span>
                  }
                  description={
                    <>
                      Events arrive with source <code className="font-mono text-xs">{s.source}</code>
                      {s.tokenHeader && (
                        <>
                          {" "}
                          · token header <code className="font-mono text-xs">{s.tokenHeader}</code>
                        </>
                      )}
                    </>
                  }
                  actions={
                    canWrite && (
                      <div className="flex gap-1">
                        <Button
                          size="sm"
                          variant="secondary"
                          loading={rotate.isPending && rotate.variables?.id === s.id}
                          onClick={() => rotate.mutate({ tenant, bus, id: s.id })}
                        >
                          <RotateCw className="h-4 w-4" aria-hidden />
                          Rotate secret
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          className="text-red-600 hover:bg-red-50"
                          aria-label={`Delete source ${s.name}`}
                          onClick={() => setDeleting(s)}
                        >
                          <Trash2 className="h-4 w-4" aria-hidden />
                        </Button>
                      </div>
                    )
                  }
                />
                <CardBody className="space-y-3">
                  <CopyField label="Ingest URL" value={s.ingestUrl} />
                  <Button size="sm" variant="ghost" onClick={() => setOpen(open === s.id ? null : s.id)}>
                    {open === s.id ? "Hide recent requests" : "Recent requests"}
                  </Button>
                  {open === s.id && <Requests tenant={tenant} bus={bus} id={s.id} />}
                </CardBody>
              </Card>
            ))}
          </div>
        </>
      )}
      {canWrite && (
        <CreateSourceDialog
          open={creating}
          onClose={() => setCreating(false)}
          tenant={tenant}
          bus={bus}
          onCreated={(value) => {
            setCreating(false);
            setSecret({ title: "Signing secret", value });
          }}
        />
      )}
      <Dialog
        open={!!secret}
        onClose={() => setSecret(null)}
        title={secret?.title ?? ""}
        footer={
          <Button onClick={() => setSecret(null)} data-autofocus>
            I have copied the secret
          </Button>
        }
      >
        {secret && (
          <div className="space-y-3" data-testid="source-secret">
            <Alert tone="warning" title="Copy the secret now.">
              This is the only time Signalbox shows it. Rotate it if you lose it: the old one stops working at once.
            </Alert>
            <CopyField label="Secret" value={secret.value} />
          </div>
        )}
      </Dialog>
      <ConfirmDialog
        open={!!deleting}
        onClose={() => {
          del.reset();
          setDeleting(null);
        }}
        onConfirm={() => deleting && del.mutate({ tenant, bus, id: deleting.id })}
        loading={del.isPending}
        title={`Delete source “${deleting?.name}”?`}
        confirmLabel="Delete source"
        error={del.error?.message}
      >
        <p>Its ingest URL stops accepting requests at once. Events it already delivered stay on the bus.</p>
      </ConfirmDialog>
    </div>
  );
}

function Requests({ tenant, bus, id }: { tenant: string; bus: string; id: string }) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.eventSource.requests.queryOptions({ tenant, bus, id, limit: 20 }),
    refetchInterval: 5000,
  });
  if (q.isPending) return <LoadingBlock />;
  if (q.error) return <Alert tone="danger">{q.error.message}</Alert>;
  return (
    <Table aria-label="Recent requests">
      <THead>
        <tr>
          <Th>Received</Th>
          <Th>Outcome</Th>
          <Th>Detail type</Th>
          <Th className="hidden md:table-cell">Event id / reason</Th>
        </tr>
      </THead>
      <TBody>
        {q.data.length === 0 ? (
          <TableEmptyRow colSpan={4}>No request yet.</TableEmptyRow>
        ) : (
          q.data.map((r) => (
            <Tr key={r.id}>
              <Td>
                <RelativeTime date={r.receivedAt} />
              </Td>
              <Td>
                <Badge tone={r.eventId ? "success" : "danger"}>{String(r.status)}</Badge>
              </Td>
              <Td className="max-w-[12rem] truncate">{r.detailType ?? "—"}</Td>
              <Td className="hidden max-w-xs truncate font-mono text-xs text-gray-600 md:table-cell">
                {r.eventId ?? r.reason ?? ""}
              </Td>
            </Tr>
          ))
        )}
      </TBody>
    </Table>
  );
}

function CreateSourceDialog({
  open,
  onClose,
  tenant,
  bus,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  bus: string;
  onCreated: (secret: string) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<Kind>("github");
  const create = useMutation(
    trpc.eventSource.create.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.eventSource.list.pathKey() });
        setName("");
        onCreated(r.secret);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const other = otherErrors(create.error, ["name", "kind"]);
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Add event source"
      description="An HTTPS URL a SaaS app posts its webhooks to; each verified request becomes an event on this bus."
      footer={
        <FormDialogFooter formId="source-form" submitLabel="Add source" onCancel={close} loading={create.isPending} />
      }
    >
      <form
        id="source-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ tenant, bus, name: name.trim(), kind });
        }}
      >
        <FormField label="Name" error={fe.name} hint={`Events get source partner.${name.trim() || "<name>"}`}>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="github" data-autofocus />
        </FormField>
        <FormField label="Sender" error={fe.kind} hint={KINDS.find((k) => k.value === kind)?.hint}>
          <Select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </Select>
        </FormField>
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}
