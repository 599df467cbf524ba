"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  ConfirmDialog,
  EmptyState,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { CreateKeyDialog, type CreatedKey } from "./create-key-dialog";
import { KeySecretDialog } from "./key-secret-dialog";
import { keyStatus, STATUS_LABEL, STATUS_TONE } from "./key-status";
import { KeyLimitsDialog } from "./key-limits-dialog";
import { describeLimits, type KeyLimitsView } from "./key-limits";

export function ApiKeysView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const { can, role } = usePermissions();
  const manage = can("keys:manage");
  const keys = useQuery(trpc.apiKey.list.queryOptions({ tenant: tenant.slug }));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const [limiting, setLimiting] = useState<{ id: string; name: string; limits: KeyLimitsView } | null>(null);
  const revoke = useMutation(
    trpc.apiKey.revoke.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey({ tenant: tenant.slug }) });
        toast(`Key “${revoking?.name}” revoked`);
        setRevoking(null);
      },
    }),
  );

  const createButton = manage && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create key
    </Button>
  );

  return (
    <div>
      <PageHeader
        title="API keys"
        description="Keys let your applications use Signalbox through the AWS SDKs and CLI (as access key id and secret) or the REST API (as a Bearer token). A key's role limits what it can do."
        actions={createButton}
      />
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
          description={
            manage
              ? "Create a key for each application or environment, so you can revoke one without touching the others."
              : "An admin of this team can create keys for your applications."
          }
          action={createButton}
        />
      ) : (
        <Table aria-label="API keys">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th className="hidden md:table-cell">Key id</Th>
              <Th className="hidden md:table-cell">Role</Th>
              <Th>Status</Th>
              <Th className="hidden md:table-cell">Limits</Th>
              <Th className="hidden lg:table-cell">Created</Th>
              <Th className="hidden lg:table-cell">Last used</Th>
              <Th className="hidden lg:table-cell">Expires</Th>
              {manage && (
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              )}
            </tr>
          </THead>
          <TBody>
            {keys.data.map((k) => {
              const status = keyStatus(k);
              return (
                <Tr key={k.id} data-testid={`key-row-${k.id}`}>
                  <Td>
                    <div className="font-medium text-gray-900">{k.name}</div>
                    {/* Small screens: id and role under the name instead of in their own columns. */}
                    <div className="mt-0.5 font-mono text-xs text-gray-500 md:hidden">{k.id}</div>
                    <div className="mt-1 md:hidden">
                      <Badge>{k.role}</Badge>
                    </div>
                  </Td>
                  <Td className="hidden font-mono text-xs md:table-cell">{k.id}</Td>
                  <Td className="hidden md:table-cell">
                    <Badge>{k.role}</Badge>
                  </Td>
                  <Td>
                    <Badge tone={STATUS_TONE[status]} dot>
                      {STATUS_LABEL[status]}
                    </Badge>
                  </Td>
                  <Td className="hidden text-xs text-gray-600 md:table-cell" data-testid={`key-limits-${k.id}`}>
                    {describeLimits(k.limits)}
                  </Td>
                  <Td className="hidden lg:table-cell">
                    <RelativeTime date={k.createdAt} />
                  </Td>
                  <Td className="hidden lg:table-cell">
                    <RelativeTime date={k.lastUsedAt} fallback="Never" />
                  </Td>
                  <Td className="hidden lg:table-cell">
                    <RelativeTime date={k.expiresAt} fallback="Never" />
                  </Td>
                  {manage && (
                    <Td className="text-right">
                      {status !== "revoked" && (
                        <Button
                          variant="ghost"
                          size="sm"
                          onClick={() => setLimiting({ id: k.id, name: k.name, limits: k.limits })}
                          aria-label={`Limits of ${k.name}`}
                        >
                          Limits
                        </Button>
                      )}
                      {status !== "revoked" && (
                        <Button
                          variant="ghost"
                          size="sm"
                          className="text-red-600 hover:bg-red-50"
                          onClick={() => setRevoking({ id: k.id, name: k.name })}
                          aria-label={`Revoke ${k.name}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </Td>
                  )}
                </Tr>
              );
            })}
          </TBody>
        </Table>
      )}
      {!manage && keys.data && keys.data.length > 0 && (
        <p className="mt-3 text-xs text-gray-500">Your role ({role}) can see keys but not create or revoke them.</p>
      )}

      {manage && (
        <CreateKeyDialog
          open={creating}
          onClose={() => setCreating(false)}
          onCreated={(k) => (setCreating(false), setCreated(k))}
          tenant={tenant.slug}
          myRole={role}
        />
      )}
      {manage && <KeyLimitsDialog tenant={tenant.slug} keyRef={limiting} onClose={() => setLimiting(null)} />}
      <KeySecretDialog created={created} onClose={() => setCreated(null)} region={tenant.region} />
      <ConfirmDialog
        open={!!revoking}
        onClose={() => {
          revoke.reset();
          setRevoking(null);
        }}
        onConfirm={() => revoking && revoke.mutate({ tenant: tenant.slug, id: revoking.id })}
        loading={revoke.isPending}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        confirmLabel="Revoke key"
        error={revoke.error?.message}
      >
        <p>
          Applications using <span className="font-mono text-gray-900">{revoking?.id}</span> are refused from now on.
          This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
