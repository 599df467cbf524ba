"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, CopyField, FormDialog, FormField, Input, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { WsApiDetail } from "./shared";
import { StageSettingsForm } from "./stage-settings";
import { V2StageCard, V2StagesPanel } from "./stage-card";

type WsStage = WsApiDetail["stages"][number];

/**
 * A WebSocket API's stages: the wss:// and @connections URLs, deploy, and the same settings as an
 * HTTP API's stage (default and per-route throttling, access logging, variables); deployment history.
 */
export function WsStagesPanel({ tenant, api, canWrite }: { tenant: string; api: WsApiDetail; canWrite: boolean }) {
  return (
    <V2StagesPanel
      stages={api.stages}
      deployments={api.deployments}
      canWrite={canWrite}
      emptyDescription="A stage gives the API its wss:// URL for clients and an @connections URL your backend posts to."
      createDialog={(close) => <CreateWsStageDialog tenant={tenant} api={api} onClose={close} />}
    >
      {api.stages.map((s) => (
        <WsStageCard
          key={`${s.stageName}-${s.lastUpdatedDate}`}
          tenant={tenant}
          api={api}
          stage={s}
          canWrite={canWrite}
        />
      ))}
    </V2StagesPanel>
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
    <V2StageCard
      testId={`ws-stage-${stage.stageName}`}
      stage={stage}
      canWrite={canWrite}
      notDeployed="Not deployed yet: add a route, then deploy"
      deploy={deploy}
      onDeploy={() => deploy.mutate(ref)}
      del={del}
      deleteVariables={ref}
      deleteNote="New connections to it are refused."
      urls={
        <>
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
        </>
      }
    >
      <StageSettingsForm
        protocol="WEBSOCKET"
        stage={stage}
        routes={api.routes.map((r) => r.routeKey)}
        canWrite={canWrite}
        saving={save.isPending}
        error={save.error}
        onSave={(v) => save.mutate({ ...ref, create: false, ...v })}
      />
    </V2StageCard>
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
