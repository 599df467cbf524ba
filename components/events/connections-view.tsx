"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Pencil, Plus, Send, ShieldOff, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  ConfirmDialog,
  LoadingBlock,
  MiddleTruncate,
  RelativeTime,
  ResourceListCard,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@/components/ui";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { ConnectionDialog } from "./connection-dialog";
import { ApiDestinationDialog } from "./api-destination-dialog";

export type ConnectionItem = RouterOutputs["events"]["connections"]["connections"][number];
export type ApiDestinationItem = RouterOutputs["events"]["connections"]["apiDestinations"][number];

export const AUTH_LABEL: Record<string, string> = {
  API_KEY: "API key",
  BASIC: "Basic",
  OAUTH_CLIENT_CREDENTIALS: "OAuth client credentials",
};

/** What identifies a connection's credentials without showing a secret. */
function whoOf(c: ConnectionItem): string {
  if (c.authorizationType === "API_KEY") return `header ${c.apiKeyName ?? "?"}`;
  if (c.authorizationType === "BASIC") return `user ${c.username ?? "?"}`;
  return `client ${c.clientId ?? "?"}`;
}

/**
 * EventBridge connections (how an API destination authorizes: API key, basic, OAuth client
 * credentials) and API destinations (an HTTP endpoint a rule can target, with a rate limit).
 * Secrets go in through the dialogs and are never shown again.
 */
export function ConnectionsView({ tenant, canWrite }: { tenant: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery(trpc.events.connections.queryOptions({ tenant }));
  const [editing, setEditing] = useState<ConnectionItem | "new" | null>(null);
  const [editingDest, setEditingDest] = useState<ApiDestinationItem | "new" | null>(null);
  const [deauthorizing, setDeauthorizing] = useState<ConnectionItem | null>(null);
  const [deleting, setDeleting] = useState<ConnectionItem | null>(null);
  const [deletingDest, setDeletingDest] = useState<ApiDestinationItem | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.events.connections.pathKey() });
  const deauth = useMutation(
    trpc.events.deauthorizeConnection.mutationOptions({
      onSuccess: async (c) => {
        await refresh();
        toast(`Connection “${c.name}” deauthorized`);
        setDeauthorizing(null);
      },
    }),
  );
  const del = useMutation(
    trpc.events.deleteConnection.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast(`Connection “${deleting?.name}” deleted`);
        setDeleting(null);
      },
    }),
  );
  const delDest = useMutation(
    trpc.events.deleteApiDestination.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast(`API destination “${deletingDest?.name}” deleted`);
        setDeletingDest(null);
      },
    }),
  );

  if (q.isPending) return <LoadingBlock />;
  if (q.error)
    return (
      <Alert tone="danger" title="Could not load connections">
        {q.error.message}
      </Alert>
    );
  const { connections, apiDestinations } = q.data;
  const newConnection = canWrite && (
    <Button onClick={() => setEditing("new")}>
      <Plus className="h-4 w-4" aria-hidden />
      Create connection
    </Button>
  );
  const newDestination = canWrite && connections.length > 0 && (
    <Button variant={apiDestinations.length ? "secondary" : "primary"} onClick={() => setEditingDest("new")}>
      <Plus className="h-4 w-4" aria-hidden />
      Create API destination
    </Button>
  );

  return (
    <div className="space-y-6">
      <ResourceListCard
        title="Connections"
        description="How Signalbox signs in to an API. Secrets are stored encrypted and never shown again."
        count={connections.length}
        actions={newConnection}
        empty={{
          icon: <KeyRound className="h-5 w-5" aria-hidden />,
          title: "No connections yet",
          description:
            "A connection holds an API key, a user name and password, or OAuth client credentials. API destinations use one to call SaaS APIs and your own services from rules.",
          action: newConnection,
        }}
      >
        <Table aria-label="Connections">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th className="hidden sm:table-cell">Authorization</Th>
              <Th>State</Th>
              <Th className="hidden md:table-cell">Destinations</Th>
              <Th className="hidden lg:table-cell">Last authorized</Th>
              {canWrite && <Th />}
            </tr>
          </THead>
          <TBody>
            {connections.map((c) => (
              <Tr key={c.arn} data-testid={`connection-${c.name}`}>
                <Td className="max-w-[16rem]">
                  <div className="truncate font-medium text-gray-900">{c.name}</div>
                  <div className="truncate text-xs text-gray-500">{c.description || whoOf(c)}</div>
                </Td>
                <Td className="hidden whitespace-nowrap sm:table-cell">
                  <div className="text-sm text-gray-900">{AUTH_LABEL[c.authorizationType]}</div>
                  <div className="font-mono text-xs text-gray-500">{whoOf(c)}</div>
                </Td>
                <Td>
                  <Badge tone={c.state === "AUTHORIZED" ? "success" : "warning"} dot>
                    {c.state === "AUTHORIZED" ? "Authorized" : c.state === "DEAUTHORIZED" ? "Deauthorized" : c.state}
                  </Badge>
                  {c.stateReason && (
                    <div className="mt-1 max-w-[14rem] truncate text-xs text-gray-500" title={c.stateReason}>
                      {c.stateReason}
                    </div>
                  )}
                </Td>
                <Td className="hidden tabular-nums md:table-cell" data-testid="connection-destinations">
                  {c.destinations}
                </Td>
                <Td className="hidden lg:table-cell">
                  <RelativeTime date={c.lastAuthorizedAt} fallback="—" />
                </Td>
                {canWrite && (
                  <Td className="text-right whitespace-nowrap">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Edit connection ${c.name}`}
                      onClick={() => setEditing(c)}
                    >
                      <Pencil className="h-4 w-4" aria-hidden />
                    </Button>
                    {c.state === "AUTHORIZED" && (
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Deauthorize connection ${c.name}`}
                        onClick={() => setDeauthorizing(c)}
                      >
                        <ShieldOff className="h-4 w-4" aria-hidden />
                      </Button>
                    )}
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-600 hover:bg-red-50"
                      aria-label={`Delete connection ${c.name}`}
                      onClick={() => setDeleting(c)}
                    >
                      <Trash2 className="h-4 w-4" aria-hidden />
                    </Button>
                  </Td>
                )}
              </Tr>
            ))}
          </TBody>
        </Table>
      </ResourceListCard>

      <ResourceListCard
        title="API destinations"
        description="HTTP endpoints rules can target, called with a connection's authorization."
        count={apiDestinations.length}
        actions={newDestination}
        empty={{
          icon: <Send className="h-5 w-5" aria-hidden />,
          title: "No API destinations yet",
          description: connections.length
            ? "Point one at an HTTPS endpoint (use * for path parameters), then pick it as a rule's target."
            : "Create a connection first: every API destination authorizes through one.",
          action: newDestination,
        }}
      >
        <Table aria-label="API destinations">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Endpoint</Th>
              <Th className="hidden md:table-cell">Connection</Th>
              <Th className="hidden md:table-cell">Rate limit</Th>
              {canWrite && <Th />}
            </tr>
          </THead>
          <TBody>
            {apiDestinations.map((d) => (
              <Tr key={d.arn} data-testid={`api-destination-${d.name}`}>
                <Td className="max-w-[14rem]">
                  <div className="truncate font-medium text-gray-900">{d.name}</div>
                  {d.description && <div className="truncate text-xs text-gray-500">{d.description}</div>}
                </Td>
                <Td className="max-w-[22rem]">
                  <div className="flex min-w-0 items-center gap-2">
                    <Badge tone="accent">{d.httpMethod}</Badge>
                    <MiddleTruncate value={d.endpoint} className="font-mono text-xs text-gray-700" />
                  </div>
                </Td>
                <Td className="hidden md:table-cell">{d.connectionName}</Td>
                <Td className="hidden tabular-nums md:table-cell">
                  {d.rateLimit ?? 300}
                  <span className="text-gray-500"> / s</span>
                </Td>
                {canWrite && (
                  <Td className="text-right whitespace-nowrap">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Edit API destination ${d.name}`}
                      onClick={() => setEditingDest(d)}
                    >
                      <Pencil className="h-4 w-4" aria-hidden />
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-600 hover:bg-red-50"
                      aria-label={`Delete API destination ${d.name}`}
                      onClick={() => setDeletingDest(d)}
                    >
                      <Trash2 className="h-4 w-4" aria-hidden />
                    </Button>
                  </Td>
                )}
              </Tr>
            ))}
          </TBody>
        </Table>
      </ResourceListCard>

      {canWrite && editing && (
        <ConnectionDialog
          tenant={tenant}
          connection={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {canWrite && editingDest && (
        <ApiDestinationDialog
          tenant={tenant}
          destination={editingDest === "new" ? null : editingDest}
          connections={connections}
          onClose={() => setEditingDest(null)}
        />
      )}
      <ConfirmDialog
        open={!!deauthorizing}
        onClose={() => {
          deauth.reset();
          setDeauthorizing(null);
        }}
        onConfirm={() => deauthorizing && deauth.mutate({ tenant, name: deauthorizing.name })}
        loading={deauth.isPending}
        title={`Deauthorize connection “${deauthorizing?.name}”?`}
        confirmLabel="Deauthorize"
        error={deauth.error?.message}
      >
        <p>
          Its API destinations stop sending until you edit the connection (which authorizes it again). Invocations
          meanwhile fail and are retried or dead-lettered per their rule target.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={!!deleting}
        onClose={() => {
          del.reset();
          setDeleting(null);
        }}
        onConfirm={() => deleting && del.mutate({ tenant, name: deleting.name })}
        loading={del.isPending}
        title={`Delete connection “${deleting?.name}”?`}
        confirmLabel="Delete connection"
        error={del.error?.message}
      >
        <p>Its stored credentials are erased. A connection that API destinations use cannot be deleted.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={!!deletingDest}
        onClose={() => {
          delDest.reset();
          setDeletingDest(null);
        }}
        onConfirm={() => deletingDest && delDest.mutate({ tenant, name: deletingDest.name })}
        loading={delDest.isPending}
        title={`Delete API destination “${deletingDest?.name}”?`}
        confirmLabel="Delete API destination"
        error={delDest.error?.message}
      >
        <p>Rules that target it fail their invocations from now on.</p>
      </ConfirmDialog>
    </div>
  );
}
