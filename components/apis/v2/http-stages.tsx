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
import { DeploymentHistory, StageSettingsForm } from "./stage-settings";
import type { HttpApiDetail, HttpStage } from "./shared";

/** Stages: invoke URL, auto-deploy, variables, default route throttling, deploy; deployment history. */
export function HttpStagesPanel({ tenant, api, canWrite }: { tenant: string; api: HttpApiDetail; canWrite: boolean }) {
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
          description="A stage gives the API an invoke URL. $default serves at the API's endpoint itself; with auto-deploy every change is live at once."
          action={createButton}
        />
      ) : (
        <>
          <div className="flex justify-end">{createButton}</div>
          {api.stages.map((s) => (
            <StageCard
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
      {creating && <CreateStageDialog tenant={tenant} api={api} onClose={() => setCreating(false)} />}
    </div>
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
  const [deleting, setDeleting] = useState(false);
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
    <Card data-testid={`stage-${stage.stageName}`}>
      <CardHeader
        title={
          <span className="inline-flex items-center gap-2">
            Stage {stage.stageName}
            {stage.autoDeploy ? <Badge tone="success">auto-deploy</Badge> : <Badge tone="neutral">manual</Badge>}
          </span>
        }
        description={stage.deploymentId ? `Serves deployment ${stage.deploymentId}` : "Not deployed yet"}
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
        <CopyField label="Invoke URL" value={stage.invokeUrl} id={`invoke-url-${stage.stageName}`} />
        {deploy.error && <Alert tone="danger">{errorMessageOf(deploy.error) ?? "Deploy failed."}</Alert>}
        <StageSettingsForm
          protocol="HTTP"
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
        Its invoke URL stops answering. Deployments stay.
      </DeleteConfirm>
    </Card>
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
