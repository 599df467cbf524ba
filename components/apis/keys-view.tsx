"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  CopyField,
  DeleteConfirm,
  Dialog,
  EmptyState,
  FormDialogFooter,
  FormField,
  Input,
  LoadingBlock,
  RelativeTime,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { KeyView } from "./types";

/** API keys for callers of the team's REST APIs (sent as x-api-key); the value shows once, then on "Show". */
export function KeysView({ tenant, canWrite }: { tenant: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const keys = useQuery(trpc.apis.keys.queryOptions({ tenant }));
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const [deleting, setDeleting] = useState<KeyView | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.keys.pathKey() });
  const reveal = useMutation(
    trpc.apis.revealKey.mutationOptions({ onSuccess: (k) => setRevealed((r) => ({ ...r, [k.id]: k.value })) }),
  );
  const setEnabled = useMutation(
    trpc.apis.setKeyEnabled.mutationOptions({
      onSuccess: async (k) => (await refresh(), toast(`Key “${k.name}” ${k.enabled ? "enabled" : "disabled"}`)),
    }),
  );
  const del = useMutation(
    trpc.apis.deleteKey.mutationOptions({
      onSuccess: async () => (await refresh(), toast("API key deleted")),
    }),
  );
  const createButton = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create API key
    </Button>
  );
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-2xl text-sm text-gray-500">
          Callers send a key in the <code>x-api-key</code> header to methods that require one. A key works on the API
          stages of the usage plans it belongs to, within their rate and quota.
        </p>
        {keys.data?.length ? createButton : null}
      </div>
      {keys.isPending ? (
        <LoadingBlock />
      ) : keys.error ? (
        <Alert tone="danger" title="Could not load API keys">
          {keys.error.message}
        </Alert>
      ) : keys.data.length === 0 ? (
        <EmptyState
          icon={<KeyRound className="h-5 w-5" aria-hidden />}
          title="No API keys yet"
          description="Create a key for each caller, then add it to a usage plan."
          action={createButton}
        />
      ) : (
        <Table aria-label="API keys">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Status</Th>
              <Th className="hidden md:table-cell">Created</Th>
              {canWrite && <Th className="text-right">Actions</Th>}
            </tr>
          </THead>
          <TBody>
            {keys.data.map((k) => (
              <Tr key={k.id} data-testid={`key-row-${k.name}`}>
                <Td>
                  <div className="font-medium text-gray-900">{k.name}</div>
                  <div className="font-mono text-xs text-gray-500">{k.id}</div>
                </Td>
                <Td className="max-w-[12rem] font-mono text-xs break-all text-gray-700">
                  {revealed[k.id] ?? k.valueHint}
                </Td>
                <Td>
                  <Badge tone={k.enabled ? "success" : "neutral"} dot>
                    {k.enabled ? "Enabled" : "Disabled"}
                  </Badge>
                </Td>
                <Td className="hidden md:table-cell">
                  <RelativeTime date={new Date(k.createdAt)} />
                </Td>
                {canWrite && (
                  <Td className="text-right whitespace-nowrap">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() =>
                        revealed[k.id] ? setRevealed(({ [k.id]: _, ...r }) => r) : reveal.mutate({ tenant, id: k.id })
                      }
                    >
                      {revealed[k.id] ? "Hide" : "Show"}
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setEnabled.mutate({ tenant, id: k.id, enabled: !k.enabled })}
                    >
                      {k.enabled ? "Disable" : "Enable"}
                    </Button>
                    <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(k)}>
                      Delete
                    </Button>
                  </Td>
                )}
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      {canWrite && <CreateKeyDialog open={creating} onClose={() => setCreating(false)} tenant={tenant} />}
      <DeleteConfirm
        item={deleting}
        onClose={() => setDeleting(null)}
        mutation={del}
        variables={(k) => ({ tenant, id: k.id })}
        title={(k) => `Delete key “${k.name}”?`}
        confirmLabel="Delete key"
      >
        Callers using it get 403 Forbidden from then on. Its usage history goes with it.
      </DeleteConfirm>
    </div>
  );
}

function CreateKeyDialog({ open, onClose, tenant }: { open: boolean; onClose: () => void; tenant: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; value: string } | null>(null);
  const create = useMutation(
    trpc.apis.createKey.mutationOptions({
      onSuccess: async (k) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.keys.pathKey() });
        setCreated({ name: k.name, value: k.value });
        setName("");
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => (create.reset(), setCreated(null), onClose());
  if (created)
    return (
      <Dialog
        open={open}
        onClose={close}
        title={`API key “${created.name}” created`}
        description="Copy the key now and hand it to the caller. You can show it again later from the keys table."
        footer={<Button onClick={close}>Done</Button>}
      >
        <div data-testid="new-key-value">
          <CopyField label="API key (x-api-key)" value={created.value} id="new-api-key" />
        </div>
      </Dialog>
    );
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create API key"
      footer={
        <FormDialogFooter
          formId="create-key-form"
          submitLabel="Create key"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-key-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ tenant, name: name.trim(), enabled: true });
        }}
      >
        <FormField label="Name" error={fe.name} hint="Who uses it, e.g. the partner's name.">
          <Input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-autofocus />
        </FormField>
        {otherErrors(create.error, ["name"]) && <Alert tone="danger">{otherErrors(create.error, ["name"])}</Alert>}
      </form>
    </Dialog>
  );
}
