"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Play, Trash2, Workflow } from "lucide-react";
import { Alert, Badge, Button, ConfirmDialog, DetailShell, DetailStatus, useTabParam, useToast } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { DefinitionEditor } from "./definition-editor";
import { ExecutionsTable } from "./executions-table";
import { StartExecutionDialog } from "./start-execution-dialog";
import { VersionsTab } from "./versions-tab";
import { TestStatePanel } from "./test-state-panel";
import { workflowsPath } from "./status";
import type { MachineDetail } from "./types";

const TABS = ["executions", "definition", "versions", "test"] as const;

/** /t/<slug>/workflows/<name>: one state machine — executions, the definition editor, versions and aliases, TestState. */
export function MachineDetailView({ name, initialTab }: { name: string; initialTab?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can } = usePermissions();
  const write = can("resource:write");
  const machine = useQuery(trpc.workflows.machine.queryOptions({ tenant: tenant.slug, machine: name }));
  const [tab, switchTab] = useTabParam(TABS, initialTab);
  const [starting, setStarting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const del = useMutation(
    trpc.workflows.deleteMachine.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.workflows.machines.pathKey() });
        toast(`State machine “${name}” deleted`);
        router.push(tenantPath(tenant.slug, "workflows"));
      },
    }),
  );
  const back = { href: tenantPath(tenant.slug, "workflows"), label: "Workflows" };
  if (machine.isPending || machine.error)
    return (
      <DetailStatus
        back={back}
        error={machine.error}
        notFound={{
          icon: <Workflow className="h-5 w-5" aria-hidden />,
          title: `There is no state machine “${name}”`,
          allLabel: "All state machines",
        }}
        errorTitle="Could not load the state machine"
      />
    );
  const m = machine.data;
  const startButton = write && (
    <Button size="sm" onClick={() => setStarting(true)}>
      <Play className="h-4 w-4" aria-hidden />
      Start execution
    </Button>
  );
  return (
    <DetailShell
      back={back}
      title={m.name}
      badges={
        <>
          <Badge tone={m.type === "EXPRESS" ? "info" : "neutral"}>
            {m.type === "EXPRESS" ? "Express" : "Standard"}
          </Badge>
          {m.versions.length > 0 && (
            <Badge tone="accent">{m.versions.length === 1 ? "1 version" : `${m.versions.length} versions`}</Badge>
          )}
          {m.aliases.length > 0 && (
            <Badge tone="accent">{m.aliases.length === 1 ? "1 alias" : `${m.aliases.length} aliases`}</Badge>
          )}
        </>
      }
      description={m.description}
      arn={m.arn}
      arnTestId="machine-arn"
      actions={
        write && (
          <>
            {startButton}
            <Button
              variant="ghost"
              size="sm"
              className="text-red-600 hover:bg-red-50"
              onClick={() => setDeleting(true)}
            >
              <Trash2 className="h-4 w-4" aria-hidden />
              Delete
            </Button>
          </>
        )
      }
      tabs={{
        value: tab,
        onChange: switchTab,
        items: [
          {
            id: "executions",
            label: "Executions",
            content: <ExecutionsTable tenant={tenant.slug} machine={m.name} express={m.type === "EXPRESS"} />,
          },
          {
            id: "definition",
            label: "Definition",
            content: <DefinitionTab machine={m} canWrite={write} />,
          },
          {
            id: "versions",
            label: "Versions & aliases",
            content: <VersionsTab tenant={tenant.slug} machine={m} canWrite={write} />,
          },
          {
            id: "test",
            label: "Test a state",
            content: <TestStatePanel tenant={tenant.slug} machine={m} canWrite={write} />,
          },
        ],
      }}
    >
      {write && (
        <StartExecutionDialog
          open={starting}
          onClose={() => setStarting(false)}
          tenant={tenant.slug}
          machine={m.name}
          versions={m.versions}
          aliases={m.aliases}
          onStarted={(e) => {
            setStarting(false);
            // Express executions keep no history to open (as on AWS, they are not listed).
            if (!e.express) router.push(tenantPath(tenant.slug, workflowsPath.execution(m.name, e.name)));
          }}
        />
      )}
      <ConfirmDialog
        open={deleting}
        onClose={() => {
          del.reset();
          setDeleting(false);
        }}
        onConfirm={() => del.mutate({ tenant: tenant.slug, machine: m.name })}
        loading={del.isPending}
        title={`Delete “${m.name}”?`}
        confirmLabel="Delete state machine"
        error={del.error?.message}
      >
        <p>
          Its versions and aliases are deleted with it and it can no longer be started. Executions still running are
          allowed to finish, as on AWS.
        </p>
      </ConfirmDialog>
    </DetailShell>
  );
}

/** The machine's definition in the editor; Save updates it (optionally publishing a version). */
function DefinitionTab({ machine, canWrite }: { machine: MachineDetail; canWrite: boolean }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState(() => pretty(machine.definition));
  const [valid, setValid] = useState(false);
  const [publish, setPublish] = useState(false);
  const saved = pretty(machine.definition);
  const update = useMutation(
    trpc.workflows.updateMachine.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.workflows.machine.pathKey() });
        toast(r.versionArn ? `Saved and published version ${r.versionArn.split(":").pop()}` : "Definition saved");
      },
    }),
  );
  const dirty = draft !== saved;
  return (
    <div className="space-y-4">
      <DefinitionEditor
        tenant={tenant.slug}
        value={draft}
        onChange={setDraft}
        onValidity={setValid}
        readOnly={!canWrite}
      />
      {update.error && (
        <Alert tone="danger" title="Not saved">
          {update.error.message}
        </Alert>
      )}
      {canWrite && (
        <div className="flex flex-wrap items-center justify-end gap-3">
          {dirty && <span className="text-sm text-amber-700">Unsaved changes</span>}
          <label className="flex items-center gap-2 text-sm text-gray-700">
            <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} />
            Publish as a new version
          </label>
          <Button variant="secondary" disabled={!dirty} onClick={() => setDraft(saved)}>
            Discard changes
          </Button>
          <Button
            loading={update.isPending}
            disabled={!valid || (!dirty && !publish)}
            onClick={() => update.mutate({ tenant: tenant.slug, machine: machine.name, definition: draft, publish })}
          >
            Save
          </Button>
        </div>
      )}
    </div>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
