"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Layers, Plus, Rocket, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ConfirmDialog,
  CopyField,
  FormDialog,
  EmptyState,
  FieldError,
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
import { KvRows, mapOf, rowsOf, type Row } from "../kv-rows";
import {
  ThrottleFields,
  throttleDraftOf,
  throttleIsValid,
  throttleNumbers,
  throttleProblems,
  type ThrottleDraft,
} from "../throttle-fields";
import type { HttpApiDetail, HttpStage } from "./shared";

// Example formats AWS's console offers for HTTP API access logs.
const CLF =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId';
const LOG_FORMATS: Record<string, string> = {
  CLF,
  JSON: '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength"}',
};

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
  const [throttle, setThrottle] = useState<ThrottleDraft>(
    throttleDraftOf(stage.throttlingRateLimit, stage.throttlingBurstLimit),
  );
  const [routeThrottles, setRouteThrottles] = useState<Record<string, ThrottleDraft>>(() =>
    Object.fromEntries(
      Object.entries(stage.routeSettings).map(([k, r]) => [
        k,
        throttleDraftOf(r.throttlingRateLimit, r.throttlingBurstLimit),
      ]),
    ),
  );
  const [logArn, setLogArn] = useState(stage.accessLogSettings?.destinationArn ?? "");
  const [logFormat, setLogFormat] = useState(stage.accessLogSettings?.format ?? "");
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
  const shown = [
    "description",
    "stageVariables",
    "throttlingRateLimit",
    "throttlingBurstLimit",
    "autoDeploy",
    "routeSettings",
    "accessLogDestinationArn",
    "accessLogFormat",
  ];
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
            if (!throttleIsValid(throttle) || Object.values(routeThrottles).some((t) => !throttleIsValid(t, true)))
              return;
            save.mutate({
              tenant,
              apiId: api.id,
              stageName: stage.stageName,
              create: false,
              description,
              autoDeploy,
              stageVariables: mapOf(vars),
              ...throttleNumbers(throttle),
              routeSettings: Object.fromEntries(
                Object.entries(routeThrottles)
                  .filter(([, t]) => t.rate.trim() !== "" || t.burst.trim() !== "")
                  .map(([k, t]) => [k, throttleNumbers(t)]),
              ),
              accessLogDestinationArn: logArn.trim() || null,
              accessLogFormat: logFormat.trim() || null,
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
            <ThrottleFields
              value={throttle}
              onChange={setThrottle}
              disabled={!canWrite}
              errors={{ rate: fe.throttlingRateLimit, burst: fe.throttlingBurstLimit }}
              labels={{ rate: "Default route throttling: rate (req/s)", burst: "Burst" }}
            />
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
          <RouteThrottling
            routes={api.routes.map((r) => r.routeKey)}
            value={routeThrottles}
            onChange={setRouteThrottles}
            disabled={!canWrite}
            error={fe.routeSettings}
          />
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-gray-800">Access logging</legend>
            <p className="text-xs text-gray-500">
              One line per request in the stage&apos;s Access log tab (and the server log), in your format. Leave both
              empty to turn it off.
            </p>
            <div className="grid gap-4 md:grid-cols-2">
              <FormField label="Log destination ARN" error={fe.accessLogDestinationArn}>
                <Input
                  name="accessLogDestinationArn"
                  className="font-mono"
                  value={logArn}
                  disabled={!canWrite}
                  placeholder="arn:aws:logs:us-east-1:123456789012:log-group:my-api"
                  onChange={(e) => setLogArn(e.target.value)}
                />
              </FormField>
              <FormField
                label="Log format"
                error={fe.accessLogFormat}
                hint="$context variables; include $context.requestId."
              >
                <Input
                  name="accessLogFormat"
                  className="font-mono"
                  value={logFormat}
                  disabled={!canWrite}
                  placeholder={CLF}
                  onChange={(e) => setLogFormat(e.target.value)}
                />
              </FormField>
            </div>
            {canWrite && !logFormat && (
              <div className="flex flex-wrap gap-2 text-xs">
                <span className="text-gray-500">Start from:</span>
                {Object.entries(LOG_FORMATS).map(([label, f]) => (
                  <button
                    key={label}
                    type="button"
                    className="text-accent-700 hover:underline"
                    onClick={() => setLogFormat(f)}
                  >
                    {label}
                  </button>
                ))}
              </div>
            )}
          </fieldset>
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

/** Per-route throttling (RouteSettings): an override of the stage's default for one route key. */
function RouteThrottling({
  routes,
  value,
  onChange,
  disabled,
  error,
}: {
  routes: string[];
  value: Record<string, ThrottleDraft>;
  onChange: (v: Record<string, ThrottleDraft>) => void;
  disabled: boolean;
  error?: string[];
}) {
  const free = routes.filter((r) => !(r in value));
  const [pick, setPick] = useState("");
  const chosen = free.includes(pick) ? pick : (free[0] ?? "");
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-gray-800">Route throttling</legend>
      <p className="text-xs text-gray-500">
        A route with its own rate and burst is throttled by those instead of the stage&apos;s default (429 Too Many
        Requests beyond them).
      </p>
      {Object.keys(value).length > 0 && (
        <Table aria-label="Route throttling">
          <THead>
            <tr>
              <Th>Route</Th>
              <Th>Rate (req/s)</Th>
              <Th>Burst</Th>
              <Th className="w-12" />
            </tr>
          </THead>
          <TBody>
            {Object.entries(value).map(([key, t]) => (
              <Tr key={key} data-testid={`route-throttle-${key}`}>
                <Td className="align-top font-mono text-sm">{key}</Td>
                <ThrottleCells
                  routeKey={key}
                  value={t}
                  disabled={disabled}
                  onChange={(d) => onChange({ ...value, [key]: d })}
                />
                <Td className="text-right align-top">
                  {!disabled && (
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Remove the throttling of ${key}`}
                      onClick={() => onChange(Object.fromEntries(Object.entries(value).filter(([k]) => k !== key)))}
                    >
                      <Trash2 className="h-4 w-4" aria-hidden />
                    </Button>
                  )}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <FieldError messages={error} />
      {!disabled && free.length > 0 && (
        <div className="flex flex-wrap items-end gap-2">
          <div className="w-72">
            <Select aria-label="Route to throttle" value={chosen} onChange={(e) => setPick(e.target.value)}>
              {free.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </div>
          <Button
            type="button"
            variant="secondary"
            onClick={() => onChange({ ...value, [chosen]: { rate: "", burst: "" } })}
          >
            <Plus className="h-4 w-4" aria-hidden />
            Throttle route
          </Button>
        </div>
      )}
      {routes.length === 0 && <p className="text-sm text-gray-500">The API has no routes yet.</p>}
    </fieldset>
  );
}

function ThrottleCells({
  routeKey,
  value,
  onChange,
  disabled,
}: {
  routeKey: string;
  value: ThrottleDraft;
  onChange: (d: ThrottleDraft) => void;
  disabled: boolean;
}) {
  const own = throttleProblems(value, true);
  const cell = (field: "rate" | "burst", label: string) => (
    <Td className="align-top">
      <div className="w-32">
        <Input
          aria-label={`${label} of ${routeKey}`}
          inputMode={field === "rate" ? "decimal" : "numeric"}
          value={value[field]}
          disabled={disabled}
          invalid={!!own[field]}
          onChange={(e) => onChange({ ...value, [field]: e.target.value })}
        />
      </div>
      <FieldError messages={own[field]} />
    </Td>
  );
  return (
    <>
      {cell("rate", "Rate")}
      {cell("burst", "Burst")}
    </>
  );
}
