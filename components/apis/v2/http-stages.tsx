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
  ConfirmDialog,
  CopyField,
  Dialog,
  EmptyState,
  FormDialogFooter,
  FormField,
  Input,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { KvRows, mapOf, rowsOf, type Row } from "../kv-rows";
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
      {api.deployments.length > 0 && (
        <Card>
          <CardHeader title="Deployment history" description="Newest first; the badge shows which stage serves each." />
          <Table aria-label="Deployments">
            <THead>
              <tr>
                <Th>Deployment</Th>
                <Th>Description</Th>
                <Th>Deployed</Th>
                <Th>Stages</Th>
              </tr>
            </THead>
            <TBody>
              {api.deployments.slice(0, 20).map((d) => (
                <Tr key={d.id}>
                  <Td className="font-mono text-xs">{d.id}</Td>
                  <Td className="text-sm text-gray-700">{d.autoDeployed ? "Automatic" : (d.description ?? "—")}</Td>
                  <Td className="text-sm whitespace-nowrap text-gray-700">
                    {new Date(d.createdDate).toLocaleString()}
                  </Td>
                  <Td>
                    {api.stages
                      .filter((s) => s.deploymentId === d.id)
                      .map((s) => (
                        <Badge key={s.stageName} tone="success" className="mr-1">
                          {s.stageName}
                        </Badge>
                      ))}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </Card>
      )}
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
  const [description, setDescription] = useState(stage.description ?? "");
  const [autoDeploy, setAutoDeploy] = useState(stage.autoDeploy);
  const [vars, setVars] = useState<Row[]>(rowsOf(stage.stageVariables));
  const [rate, setRate] = useState(stage.throttlingRateLimit !== null ? String(stage.throttlingRateLimit) : "");
  const [burst, setBurst] = useState(stage.throttlingBurstLimit !== null ? String(stage.throttlingBurstLimit) : "");
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
  const fe = fieldErrorsOf(save.error);
  const num = (s: string) => (s.trim() === "" ? null : Number(s));
  const shown = ["description", "stageVariables", "throttlingRateLimit", "throttlingBurstLimit", "autoDeploy"];
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
                <Button
                  size="sm"
                  loading={deploy.isPending}
                  onClick={() => deploy.mutate({ tenant, apiId: api.id, stageName: stage.stageName })}
                >
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
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({
              tenant,
              apiId: api.id,
              stageName: stage.stageName,
              create: false,
              description,
              autoDeploy,
              stageVariables: mapOf(vars),
              throttlingRateLimit: num(rate),
              throttlingBurstLimit: num(burst),
            });
          }}
        >
          <div className="grid gap-4 md:grid-cols-3">
            <FormField label="Description" error={fe.description}>
              <Input
                name="description"
                value={description}
                disabled={!canWrite}
                onChange={(e) => setDescription(e.target.value)}
              />
            </FormField>
            <FormField label="Default route throttling: rate (req/s)" error={fe.throttlingRateLimit}>
              <Input
                name="rateLimit"
                inputMode="decimal"
                value={rate}
                disabled={!canWrite}
                onChange={(e) => setRate(e.target.value)}
              />
            </FormField>
            <FormField label="Burst" error={fe.throttlingBurstLimit}>
              <Input
                name="burstLimit"
                inputMode="numeric"
                value={burst}
                disabled={!canWrite}
                onChange={(e) => setBurst(e.target.value)}
              />
            </FormField>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={autoDeploy}
              disabled={!canWrite}
              onChange={(e) => setAutoDeploy(e.target.checked)}
            />
            Auto-deploy: every change to the API is deployed to this stage at once
          </label>
          <FormField
            label="Stage variables"
            error={fe.stageVariables}
            hint="Integration URIs and parameter mappings read them as ${stageVariables.name} / $stageVariables.name."
          >
            <KvRows
              rows={vars}
              onChange={setVars}
              keyLabel="Variable"
              valueLabel="Value"
              disabled={!canWrite}
              addLabel="Add variable"
            />
          </FormField>
          {otherErrors(save.error, shown) && <Alert tone="danger">{otherErrors(save.error, shown)}</Alert>}
          {canWrite && (
            <Button type="submit" variant="secondary" loading={save.isPending}>
              Save stage
            </Button>
          )}
        </form>
      </CardBody>
      <ConfirmDialog
        open={deleting}
        onClose={() => (del.reset(), setDeleting(false))}
        onConfirm={() => del.mutate({ tenant, apiId: api.id, stageName: stage.stageName })}
        title={`Delete stage ${stage.stageName}?`}
        confirmLabel="Delete stage"
        loading={del.isPending}
        error={errorMessageOf(del.error)}
      >
        Its invoke URL stops answering. Deployments stay.
      </ConfirmDialog>
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
    <Dialog
      open
      onClose={onClose}
      title="Create stage"
      footer={
        <FormDialogFooter formId="stage-form" submitLabel="Create stage" onCancel={onClose} loading={save.isPending} />
      }
    >
      <form
        id="stage-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
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
          });
        }}
      >
        <FormField label="Stage name" error={fe.stageName} hint="$default serves at the API's endpoint itself.">
          <Input name="stageName" value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
        </FormField>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={autoDeploy} onChange={(e) => setAutoDeploy(e.target.checked)} />
          Auto-deploy (otherwise deploy from the stage's card)
        </label>
        {otherErrors(save.error, ["stageName"]) && (
          <Alert tone="danger">{otherErrors(save.error, ["stageName"])}</Alert>
        )}
      </form>
    </Dialog>
  );
}
