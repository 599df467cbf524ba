"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PlugZap, RefreshCw, Send, Unplug } from "lucide-react";
import {
  Alert,
  Button,
  Card,
  CardHeader,
  ConfirmDialog,
  Dialog,
  EmptyState,
  FormDialogFooter,
  FormField,
  LoadingBlock,
  RelativeTime,
  Table,
  TBody,
  Td,
  Textarea,
  Th,
  THead,
  Tr,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { WsConnection } from "./shared";

/** Live connections of the API (every stage): send a message to one, or disconnect it. */
export function WsConnectionsPanel({ tenant, apiId, canWrite }: { tenant: string; apiId: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [sending, setSending] = useState<WsConnection | null>(null);
  const [closing, setClosing] = useState<WsConnection | null>(null);
  const conns = useQuery({
    ...trpc.apis.v2.connections.queryOptions({ tenant, apiId }),
    refetchInterval: 5000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.v2.connections.pathKey() });
  const disconnect = useMutation(
    trpc.apis.v2.disconnect.mutationOptions({
      onSuccess: async () => {
        toast(`Connection ${closing?.id ?? ""} disconnected`);
        setClosing(null);
        await refresh();
      },
    }),
  );
  if (conns.isPending) return <LoadingBlock />;
  if (conns.error)
    return (
      <Alert tone="danger" title="Could not load connections">
        {conns.error.message}
      </Alert>
    );
  const refreshButton = (
    <Button size="sm" variant="secondary" onClick={() => void refresh()} loading={conns.isFetching}>
      <RefreshCw className="h-4 w-4" aria-hidden />
      Refresh
    </Button>
  );
  return (
    <div className="space-y-4">
      {conns.data.length === 0 ? (
        <EmptyState
          icon={<PlugZap className="h-5 w-5" aria-hidden />}
          title="No live connections"
          description="Clients that connect to a stage's wss:// URL show up here (the list refreshes every few seconds)."
          action={refreshButton}
        />
      ) : (
        <Card>
          <CardHeader
            title={`Live connections (${conns.data.length})`}
            description="Held by any web process; a message or a disconnect reaches the one holding it."
            actions={refreshButton}
          />
          <Table aria-label="Connections">
            <THead>
              <tr>
                <Th>Connection ID</Th>
                <Th>Stage</Th>
                <Th>Connected</Th>
                <Th>Last active</Th>
                <Th className="hidden md:table-cell">Source IP</Th>
                <Th className="w-64" />
              </tr>
            </THead>
            <TBody>
              {conns.data.map((c) => (
                <Tr key={c.id} data-testid={`connection-${c.id}`}>
                  <Td className="font-mono text-xs">{c.id}</Td>
                  <Td className="font-mono text-xs">{c.stage}</Td>
                  <Td className="text-sm">
                    <RelativeTime date={new Date(c.connectedAt)} />
                  </Td>
                  <Td className="text-sm">
                    <RelativeTime date={new Date(c.lastActiveAt)} />
                  </Td>
                  <Td className="hidden font-mono text-xs md:table-cell">{c.sourceIp ?? "—"}</Td>
                  <Td className="text-right whitespace-nowrap">
                    {canWrite && (
                      <>
                        <Button size="sm" variant="secondary" onClick={() => setSending(c)}>
                          <Send className="h-4 w-4" aria-hidden />
                          Send message
                        </Button>
                        <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setClosing(c)}>
                          <Unplug className="h-4 w-4" aria-hidden />
                          Disconnect
                        </Button>
                      </>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </Card>
      )}
      {sending && <SendDialog tenant={tenant} apiId={apiId} connection={sending} onClose={() => setSending(null)} />}
      <ConfirmDialog
        open={!!closing}
        onClose={() => (disconnect.reset(), setClosing(null))}
        onConfirm={() =>
          closing && disconnect.mutate({ tenant, apiId, stage: closing.stage, connectionId: closing.id })
        }
        title="Disconnect this client?"
        confirmLabel="Disconnect"
        loading={disconnect.isPending}
        error={errorMessageOf(disconnect.error)}
      >
        The server closes connection <span className="font-mono">{closing?.id}</span>; the $disconnect route runs.
      </ConfirmDialog>
    </div>
  );
}

function SendDialog({
  tenant,
  apiId,
  connection,
  onClose,
}: {
  tenant: string;
  apiId: string;
  connection: WsConnection;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const [data, setData] = useState('{"message": "hello"}');
  const send = useMutation(
    trpc.apis.v2.send.mutationOptions({
      onSuccess: () => {
        toast("Message sent");
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(send.error);
  return (
    <Dialog
      open
      onClose={onClose}
      title="Send message"
      description={`To connection ${connection.id} (stage ${connection.stage}), as POST @connections/<id> does.`}
      footer={<FormDialogFooter formId="ws-send-form" submitLabel="Send" onCancel={onClose} loading={send.isPending} />}
    >
      <form
        id="ws-send-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate({ tenant, apiId, stage: connection.stage, connectionId: connection.id, data });
        }}
      >
        <FormField label="Message" error={fe.data} hint="Sent as one text frame, as is.">
          <Textarea name="data" rows={5} value={data} onChange={(e) => setData(e.target.value)} data-autofocus />
        </FormField>
        {otherErrors(send.error, ["data"]) && <Alert tone="danger">{otherErrors(send.error, ["data"])}</Alert>}
      </form>
    </Dialog>
  );
}
