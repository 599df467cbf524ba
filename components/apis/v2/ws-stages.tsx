"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Layers, Plus, Rocket } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  CopyField,
  DeleteConfirm,
  EmptyState,
  FormDialog,
  FormField,
  Input,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { WsApiDetail } from "./shared";
import { DeploymentHistory, StageSettingsForm } from "./stage-settings";

type WsStage = WsApiDetail["stages"][number];

/**
 * A WebSocket API's stages: the wss:// and @connections URLs, deploy, and the same settings as an
 * HTTP API's stage (default and per-route throttling, access logging, variables); deployment history.
 */
export function WsStagesPanel({ tenant, api, canWrite }: { tenant: string; api: WsApiDetail; canWrite: boolean }) {
  const [creating, setCreating] = useState(false);
  const createButton = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create stage
    </Button>
  );
  return (
    <div className="space-y-6">
      {api.stages.length === 0 ? (
        <EmptyState
          icon={<Layers className="h-5 w-5" aria-hidden />}
          title="No stages yet"
          description="A stage gives the API its wss:// URL for clients and an @connections URL your backend posts to."
          action={createButton}
        />
      ) : (
        <>
          <div className="flex justify-end">{createButton}</div>
          {api.stages.map((s) => (
            <WsStageCard
              key={`${s.stageName}-${s.lastUpdatedDate}`}
              tenant={tenant}
              api={api}
              stage={s}
              canWrite={canWrite}
            />
          ))}
        </>
      )}
      <DeploymentHistory deployments={api.deployments} stages={api.stages} />
      {creating && <CreateWsStageDialog tenant={tenant} api={api} onClose={() => setCreating(false)} />}
    </div>
  );
}

function WsStageCard({
  tenant,
  api,
  stage,
  canWrite,
}: {
  tenant: string;
  api: WsApiDetail;
  stage: WsStage;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.v2.ws.pathKey() });
  const save = useMutation(
    trpc.apis.v2.wsSaveStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast(`Stage ${stage.stageName} saved`)),
    }),
  );
  const deploy = useMutation(
    trpc.apis.v2.wsDeploy.mutationOptions({
      onSuccess: async (d) => (await refresh(), toast(`Deployed ${d.id}`)),
    }),
  );
  const del = useMutation(
    trpc.apis.v2.wsDeleteStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast("Stage deleted")),
    }),
  );
  const ref = { tenant, apiId: api.id, stageName: stage.stageName };
  return (
    <Card data-testid={`ws-stage-${stage.stageName}`}>
      <CardHeader
        title={
          <span className="inline-flex items-center gap-2">
            Stage {stage.stageName}
            {stage.autoDeploy ? <Badge tone="success">auto-deploy</Badge> : <Badge tone="neutral">manual</Badge>}
          </span>
        }
        description={
          stage.deploymentId ? `Serves deployment ${stage.deploymentId}` : "Not deployed yet: add a route, then deploy"
        }
        actions={
          canWrite && (
            <>
              {!stage.autoDeploy && (
                <Button size="sm" loading={deploy.isPending} onClick={() => deploy.mutate(ref)}>
                  <Rocket className="h-4 w-4" aria-hidden />
                  Deploy
                </Button>
              )}
              <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(true)}>
                Delete stage
              </Button>
            </>
          )
        }
      />
      <CardBody className="space-y-5">
        <div className="grid gap-4 lg:grid-cols-2">
          <CopyField
            label="WebSocket URL (clients connect here)"
            value={stage.invokeUrl}
            id={`wss-${stage.stageName}`}
          />
          <CopyField
            label="@connections URL (POST a message to …/@connections/<id>, DELETE to disconnect)"
            value={stage.connectionsUrl}
            id={`connections-${stage.stageName}`}
          />
        </div>
        {deploy.error && <Alert tone="danger">{errorMessageOf(deploy.error) ?? "Deploy failed."}</Alert>}
        <StageSettingsForm
          protocol="WEBSOCKET"
          stage={stage}
          routes={api.routes.map((r) => r.routeKey)}
          canWrite={canWrite}
          saving={save.isPending}
          error={save.error}
          onSave={(v) => save.mutate({ ...ref, create: false, ...v })}
        />
      </CardBody>
      <DeleteConfirm
        item={deleting ? stage : null}
        onClose={() => setDeleting(false)}
        mutation={del}
        variables={() => ref}
        title={(s) => `Delete stage ${s.stageName}?`}
        confirmLabel="Delete stage"
      >
        New connections to it are refused.
      </DeleteConfirm>
    </Card>
  );
}

function CreateWsStageDialog({ tenant, api, onClose }: { tenant: string; api: WsApiDetail; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("prod");
  const [autoDeploy, setAutoDeploy] = useState(true);
  const create = useMutation(
    trpc.apis.v2.wsSaveStage.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.ws.pathKey() });
        toast(`Stage ${name} created`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  return (
    <FormDialog
      formId="ws-stage-form"
      title="Create stage"
      submitLabel="Create stage"
      loading={create.isPending}
      onClose={onClose}
      onSubmit={() =>
        create.mutate({ tenant, apiId: api.id, stageName: name.trim(), create: true, description: "", autoDeploy })
      }
    >
      <FormField label="Stage name" error={fe.stageName}>
        <Input name="stageName" value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
      </FormField>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={autoDeploy} onChange={(e) => setAutoDeploy(e.target.checked)} />
        Auto-deploy every change
      </label>
      {otherErrors(create.error, ["stageName"]) && (
        <Alert tone="danger">{otherErrors(create.error, ["stageName"])}</Alert>
      )}
    </FormDialog>
  );
}
