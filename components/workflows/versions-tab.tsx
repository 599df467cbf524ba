"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { GitBranch, Plus, Tag, Trash2 } from "lucide-react";
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
  Input,
  MiddleTruncate,
  RelativeTime,
  Select,
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
import type { MachineDetail } from "./types";

/** Published versions (immutable snapshots) and aliases (names routing to one or two versions by weight). */
export function VersionsTab({
  tenant,
  machine,
  canWrite,
}: {
  tenant: string;
  machine: MachineDetail;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [aliasOpen, setAliasOpen] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.workflows.machine.pathKey() });
  const publish = useMutation(
    trpc.workflows.publishVersion.mutationOptions({
      onSuccess: async (r) => {
        await refresh();
        toast(`Version ${r.versionArn.split(":").pop()} published`);
      },
    }),
  );
  const removeAlias = useMutation(
    trpc.workflows.deleteAlias.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast("Alias deleted");
        setRemoving(null);
      },
    }),
  );
  const versionOf = (arn: string) => arn.split(":").pop();
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Versions"
          description="A version is a read-only snapshot of the definition; executions can run a version instead of the latest revision."
          actions={
            canWrite && (
              <Button
                size="sm"
                variant="secondary"
                loading={publish.isPending}
                onClick={() => publish.mutate({ tenant, machine: machine.name })}
              >
                <GitBranch className="h-4 w-4" aria-hidden />
                Publish version
              </Button>
            )
          }
        />
        {publish.error && (
          <Alert tone="danger" className="m-4">
            {publish.error.message}
          </Alert>
        )}
        {machine.versions.length === 0 ? (
          <p className="px-5 py-6 text-sm text-gray-500">No versions yet. Publish one to pin what an alias runs.</p>
        ) : (
          <Table aria-label="Versions">
            <THead>
              <tr>
                <Th>Version</Th>
                <Th>Description</Th>
                <Th className="hidden md:table-cell">ARN</Th>
                <Th className="hidden lg:table-cell">Published</Th>
              </tr>
            </THead>
            <TBody>
              {machine.versions.map((v) => (
                <Tr key={v.arn} data-testid={`version-row-${v.version}`}>
                  <Td className="font-medium tabular-nums">{v.version}</Td>
                  <Td className="text-gray-600">{v.description || "—"}</Td>
                  <Td className="hidden max-w-xs font-mono text-xs text-gray-600 md:table-cell">
                    <MiddleTruncate value={v.arn} />
                  </Td>
                  <Td className="hidden lg:table-cell">
                    <RelativeTime date={v.createdAt} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <Card>
        <CardHeader
          title="Aliases"
          description="An alias is a stable name for one version, or two versions splitting traffic by weight."
          actions={
            canWrite && (
              <Button
                size="sm"
                variant="secondary"
                disabled={machine.versions.length === 0}
                onClick={() => setAliasOpen(true)}
              >
                <Plus className="h-4 w-4" aria-hidden />
                Create alias
              </Button>
            )
          }
        />
        {machine.aliases.length === 0 ? (
          <EmptyState
            icon={<Tag className="h-5 w-5" aria-hidden />}
            title="No aliases"
            description={
              machine.versions.length === 0
                ? "Publish a version first, then point an alias at it."
                : "Point a name such as PROD at a version."
            }
          />
        ) : (
          <Table aria-label="Aliases">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Routes to</Th>
                <Th className="hidden md:table-cell">ARN</Th>
                {canWrite && <Th className="w-10" />}
              </tr>
            </THead>
            <TBody>
              {machine.aliases.map((a) => (
                <Tr key={a.arn} data-testid={`alias-row-${a.name}`}>
                  <Td className="font-medium">{a.name}</Td>
                  <Td className="text-sm text-gray-700">
                    {a.routing.map((r) => `version ${versionOf(r.stateMachineVersionArn)} (${r.weight}%)`).join(", ")}
                  </Td>
                  <Td className="hidden max-w-xs font-mono text-xs text-gray-600 md:table-cell">
                    <MiddleTruncate value={a.arn} />
                  </Td>
                  {canWrite && (
                    <Td>
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Delete alias ${a.name}`}
                        onClick={() => setRemoving(a.name)}
                      >
                        <Trash2 className="h-4 w-4 text-red-600" aria-hidden />
                      </Button>
                    </Td>
                  )}
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      {canWrite && (
        <CreateAliasDialog open={aliasOpen} onClose={() => setAliasOpen(false)} tenant={tenant} machine={machine} />
      )}
      <ConfirmDialog
        open={!!removing}
        onClose={() => {
          removeAlias.reset();
          setRemoving(null);
        }}
        onConfirm={() => removing && removeAlias.mutate({ tenant, machine: machine.name, name: removing })}
        loading={removeAlias.isPending}
        title={`Delete alias “${removing}”?`}
        confirmLabel="Delete alias"
        error={removeAlias.error?.message}
      >
        <p>Starting executions through this alias’s ARN fails from now on. The versions stay.</p>
      </ConfirmDialog>
    </div>
  );
}

function CreateAliasDialog({
  open,
  onClose,
  tenant,
  machine,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  machine: MachineDetail;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [version, setVersion] = useState(machine.versions[0]?.version ?? 1);
  const create = useMutation(
    trpc.workflows.createAlias.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.workflows.machine.pathKey() });
        toast(`Alias “${name}” created`);
        setName("");
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create alias"
      footer={
        <FormDialogFooter
          formId="create-alias-form"
          submitLabel="Create alias"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-alias-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ tenant, machine: machine.name, name: name.trim(), version });
        }}
      >
        <FormField label="Name" error={fe.name}>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="PROD" data-autofocus />
        </FormField>
        <FormField label="Version" error={fe.version}>
          <Select value={String(version)} onChange={(e) => setVersion(Number(e.target.value))}>
            {machine.versions.map((v) => (
              <option key={v.arn} value={v.version}>
                Version {v.version}
              </option>
            ))}
          </Select>
        </FormField>
        {otherErrors(create.error, ["name", "version"]) && (
          <Alert tone="danger">{otherErrors(create.error, ["name", "version"])}</Alert>
        )}
      </form>
    </Dialog>
  );
}
