"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, CopyField, FormDialog, FormField, Input, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { StageSettingsForm } from "./stage-settings";
import { V2StageCard, V2StagesPanel } from "./stage-card";
import type { HttpApiDetail, HttpStage } from "./shared";

/** Stages: invoke URL, auto-deploy, variables, default route throttling, deploy; deployment history. */
export function HttpStagesPanel({ tenant, api, canWrite }: { tenant: string; api: HttpApiDetail; canWrite: boolean }) {
  return (
    <V2StagesPanel
      stages={api.stages}
      deployments={api.deployments}
      canWrite={canWrite}
      emptyDescription="A stage gives the API an invoke URL. $default serves at the API's endpoint itself; with auto-deploy every change is live at once."
      createDialog={(close) => <CreateStageDialog tenant={tenant} api={api} onClose={close} />}
    >
      {api.stages.map((s) => (
        <StageCard
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

function StageCard({
  tenant,
  api,
  stage,
  canWrite,
}: {
  tenant: string;
  api: HttpApiDetail;
  stage: HttpStage;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
  const save = useMutation(
    trpc.apis.v2.saveStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast(`Stage ${stage.stageName} saved`)),
    }),
  );
  const deploy = useMutation(
    trpc.apis.v2.deploy.mutationOptions({
      onSuccess: async (d) => (await refresh(), toast(`Deployed ${d.id} to ${stage.stageName}`)),
    }),
  );
  const del = useMutation(
    trpc.apis.v2.deleteStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast(`Stage ${stage.stageName} deleted`)),
    }),
  );
  const ref = { tenant, apiId: api.id, stageName: stage.stageName };
  return (
    <V2StageCard
      testId={`stage-${stage.stageName}`}
      stage={stage}
      canWrite={canWrite}
      notDeployed="Not deployed yet"
      deploy={deploy}
      onDeploy={() => deploy.mutate(ref)}
      del={del}
      deleteVariables={ref}
      deleteNote="Its invoke URL stops answering. Deployments stay."
      urls={<CopyField label="Invoke URL" value={stage.invokeUrl} id={`invoke-url-${stage.stageName}`} />}
    >
      <StageSettingsForm
        protocol="HTTP"
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

function CreateStageDialog({ tenant, api, onClose }: { tenant: string; api: HttpApiDetail; onClose: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const hasDefault = api.stages.some((s) => s.stageName === "$default");
  const [name, setName] = useState(hasDefault ? "prod" : "$default");
  const [autoDeploy, setAutoDeploy] = useState(true);
  const save = useMutation(
    trpc.apis.v2.saveStage.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
        toast(`Stage ${name} created`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  return (
    <FormDialog
      formId="stage-form"
      title="Create stage"
      submitLabel="Create stage"
      loading={save.isPending}
      onClose={onClose}
      onSubmit={() =>
        save.mutate({
          tenant,
          apiId: api.id,
          stageName: name.trim(),
          create: true,
          description: "",
          autoDeploy,
          stageVariables: {},
          throttlingRateLimit: null,
          throttlingBurstLimit: null,
        })
      }
    >
      <FormField label="Stage name" error={fe.stageName} hint="$default serves at the API's endpoint itself.">
        <Input name="stageName" value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
      </FormField>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={autoDeploy} onChange={(e) => setAutoDeploy(e.target.checked)} />
        Auto-deploy (otherwise deploy from the stage's card)
      </label>
      {otherErrors(save.error, ["stageName"]) && <Alert tone="danger">{otherErrors(save.error, ["stageName"])}</Alert>}
    </FormDialog>
  );
}
