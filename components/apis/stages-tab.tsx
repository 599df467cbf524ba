"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Download, Rocket } from "lucide-react";
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
  FormField,
  Input,
  Select,
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
import { KvRows, mapOf, rowsOf, type Row } from "./kv-rows";
import { MethodSettings } from "./method-settings";
import {
  ThrottleFields,
  throttleDraftOf,
  throttleIsValid,
  throttleNumbers,
  type ThrottleDraft,
} from "./throttle-fields";
import type { ApiDetail, StageView } from "./types";

/** Stages: invoke URL, variables, throttling and cache, the deployment each serves; deployment history. */
export function StagesTab({
  tenant,
  api,
  canWrite,
  onDeploy,
}: {
  tenant: string;
  api: ApiDetail;
  canWrite: boolean;
  onDeploy: () => void;
}) {
  if (!api.stages.length)
    return (
      <EmptyState
        icon={<Rocket className="h-5 w-5" aria-hidden />}
        title="Not deployed yet"
        description="Deploy the API to a stage (prod, dev, v1…) to get an invoke URL. Each deploy is a snapshot: later edits need another deploy."
        action={canWrite && <Button onClick={onDeploy}>Deploy API</Button>}
      />
    );
  return (
    <div className="space-y-6">
      {api.stages.map((s) => (
        <StageCard key={s.stageName} tenant={tenant} api={api} stage={s} canWrite={canWrite} />
      ))}
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
            {api.deployments.map((d) => (
              <Tr key={d.id}>
                <Td className="font-mono text-xs">{d.id}</Td>
                <Td className="text-sm text-gray-700">{d.description ?? "—"}</Td>
                <Td className="text-sm whitespace-nowrap text-gray-700">
                  {new Date(d.createdDate * 1000).toLocaleString()}
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
  api: ApiDetail;
  stage: StageView;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const all = (stage.methodSettings["*/*"] ?? {}) as Record<string, unknown>;
  const [description, setDescription] = useState(stage.description ?? "");
  const [vars, setVars] = useState<Row[]>(rowsOf(stage.variables));
  const [throttle, setThrottle] = useState<ThrottleDraft>(
    throttleDraftOf(all.throttlingRateLimit as number | undefined, all.throttlingBurstLimit as number | undefined),
  );
  const [cluster, setCluster] = useState(stage.cacheClusterEnabled);
  const [caching, setCaching] = useState(all.cachingEnabled === true);
  const [ttl, setTtl] = useState(String(all.cacheTtlInSeconds ?? 300));
  const [deploymentId, setDeploymentId] = useState(stage.deploymentId);
  const [deleting, setDeleting] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
  const save = useMutation(
    trpc.apis.updateStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast(`Stage ${stage.stageName} saved`)),
    }),
  );
  const del = useMutation(
    trpc.apis.deleteStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast(`Stage ${stage.stageName} deleted`)),
    }),
  );
  const flush = useMutation(
    trpc.apis.flushStageCache.mutationOptions({
      onSuccess: (r) =>
        toast(`Cache of ${stage.stageName} flushed (${r.flushed} ${r.flushed === 1 ? "entry" : "entries"})`),
    }),
  );
  const exp = useMutation(
    trpc.apis.exportApi.mutationOptions({
      onSuccess: (f) => {
        const url = URL.createObjectURL(new Blob([f.body], { type: f.contentType }));
        const a = document.createElement("a");
        a.href = url;
        a.download = f.fileName;
        a.click();
        URL.revokeObjectURL(url);
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const shown = ["description", "variables", "throttlingRateLimit", "throttlingBurstLimit", "cacheTtlInSeconds"];
  return (
    <Card data-testid={`stage-${stage.stageName}`}>
      <CardHeader
        title={`Stage ${stage.stageName}`}
        description={`Serves deployment ${stage.deploymentId}`}
        actions={
          <>
            <Button
              size="sm"
              variant="secondary"
              loading={exp.isPending}
              onClick={() => exp.mutate({ tenant, apiId: api.id, stageName: stage.stageName })}
            >
              <Download className="h-4 w-4" aria-hidden />
              OpenAPI export
            </Button>
            {canWrite && stage.cacheClusterEnabled && (
              <Button
                size="sm"
                variant="secondary"
                loading={flush.isPending}
                onClick={() => flush.mutate({ tenant, apiId: api.id, stageName: stage.stageName })}
              >
                Flush cache
              </Button>
            )}
            {canWrite && (
              <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(true)}>
                Delete stage
              </Button>
            )}
          </>
        }
      />
      <CardBody className="space-y-5">
        <CopyField label="Invoke URL" value={stage.invokeUrl} id={`invoke-url-${stage.stageName}`} />
        {exp.error && <Alert tone="danger">{errorMessageOf(exp.error)}</Alert>}
        {flush.error && <Alert tone="danger">{errorMessageOf(flush.error)}</Alert>}
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!throttleIsValid(throttle)) return;
            save.mutate({
              tenant,
              apiId: api.id,
              stageName: stage.stageName,
              description,
              variables: mapOf(vars),
              ...throttleNumbers(throttle),
              cacheClusterEnabled: cluster,
              cachingEnabled: caching,
              cacheTtlInSeconds: Number(ttl),
              deploymentId: deploymentId !== stage.deploymentId ? deploymentId : undefined,
            });
          }}
        >
          <div className="grid gap-4 md:grid-cols-2">
            <FormField label="Description" error={fe.description}>
              <Input
                name="description"
                value={description}
                disabled={!canWrite}
                onChange={(e) => setDescription(e.target.value)}
              />
            </FormField>
            <FormField label="Deployment served" hint="Pick an older one to roll back.">
              <Select
                name="deploymentId"
                value={deploymentId}
                disabled={!canWrite}
                onChange={(e) => setDeploymentId(e.target.value)}
              >
                {api.deployments.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.id} · {new Date(d.createdDate * 1000).toLocaleString()}
                    {d.description ? ` · ${d.description}` : ""}
                  </option>
                ))}
              </Select>
            </FormField>
            <ThrottleFields
              value={throttle}
              onChange={setThrottle}
              disabled={!canWrite}
              errors={{ rate: fe.throttlingRateLimit, burst: fe.throttlingBurstLimit }}
              rateHint="For every method of the stage; empty: unchanged."
            />
          </div>
          <div className="flex flex-wrap items-end gap-6">
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={cluster}
                disabled={!canWrite}
                onChange={(e) => setCluster(e.target.checked)}
              />
              Response cache for this stage
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={caching}
                disabled={!canWrite || !cluster}
                onChange={(e) => setCaching(e.target.checked)}
              />
              Cache every method
            </label>
            <FormField label="Cache TTL (s)" error={fe.cacheTtlInSeconds}>
              <Input
                className="w-28"
                inputMode="numeric"
                value={ttl}
                disabled={!canWrite || !cluster}
                onChange={(e) => setTtl(e.target.value)}
              />
            </FormField>
          </div>
          <FormField
            label="Stage variables"
            error={fe.variables}
            hint="Templates and URIs read them as $stageVariables.name / ${stageVariables.name}."
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
        <MethodSettings tenant={tenant} api={api} stage={stage} canWrite={canWrite} />
      </CardBody>
      <DeleteConfirm
        item={deleting ? stage : null}
        onClose={() => setDeleting(false)}
        mutation={del}
        variables={(s) => ({ tenant, apiId: api.id, stageName: s.stageName })}
        title={(s) => `Delete stage ${s.stageName}?`}
        confirmLabel="Delete stage"
      >
        Its invoke URL answers 403 Forbidden from then on. Deployments stay.
      </DeleteConfirm>
    </Card>
  );
}
