"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Cable, Layers, Plus, Rocket } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ConfirmDialog,
  CopyField,
  DeleteConfirm,
  EmptyState,
  FormDialog,
  FormField,
  Input,
  ResourceListCard,
  RowActions,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  errorMessageOf,
  fieldErrorsOf,
  useEditDelete,
  useTabParam,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { ApiMetricsPanel } from "../metrics/api-metrics-panel";
import { ApiAccessLogPanel } from "../metrics/api-access-log-panel";
import { functionName, type WsApiDetail, type WsRoute } from "./shared";
import { V2ApiShell } from "./api-shell";
import { WsConnectionsPanel } from "./ws-connections";

const TABS = ["routes", "stages", "connections", "metrics", "access-log"] as const;

/** /t/<slug>/apis/websocket/<id>: a WebSocket API's routes, stages and live connections. */
export function WsApiView({ apiId, initialTab }: { apiId: string; initialTab?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const write = usePermissions().can("resource:write");
  const [tab, setTab] = useTabParam(TABS, initialTab);
  const api = useQuery(trpc.apis.v2.ws.queryOptions({ tenant: tenant.slug, apiId }));
  return (
    <V2ApiShell
      protocol="WEBSOCKET"
      query={api}
      canWrite={write}
      deleteNote="Its routes, integrations and stages go with it; clients can no longer connect."
      above={(a) => (
        <WsSettings key={a.routeSelectionExpression + a.name} tenant={tenant.slug} api={a} canWrite={write} />
      )}
      tab={tab}
      onTab={setTab}
      tabs={(a) => {
        const props = { tenant: tenant.slug, api: a, canWrite: write };
        return [
          { id: "routes", label: `Routes (${a.routes.length})`, content: <WsRoutesPanel {...props} /> },
          { id: "stages", label: `Stages (${a.stages.length})`, content: <WsStagesPanel {...props} /> },
          {
            id: "connections",
            label: "Connections",
            content: <WsConnectionsPanel tenant={tenant.slug} apiId={a.id} canWrite={write} />,
          },
          {
            id: "metrics",
            label: "Metrics",
            content: (
              <ApiMetricsPanel tenant={tenant.slug} apiId={a.id} stages={a.stages.map((s) => s.stageName)} websocket />
            ),
          },
          {
            id: "access-log",
            label: "Access log",
            content: <ApiAccessLogPanel tenant={tenant.slug} apiId={a.id} stages={a.stages.map((s) => s.stageName)} />,
          },
        ];
      }}
    />
  );
}

function WsSettings({ tenant, api, canWrite }: { tenant: string; api: WsApiDetail; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [rse, setRse] = useState(api.routeSelectionExpression);
  const save = useMutation(
    trpc.apis.v2.updateWs.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.ws.pathKey() });
        toast("Route selection expression saved");
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          tenant,
          apiId: api.id,
          name: api.name,
          description: api.description ?? "",
          routeSelectionExpression: rse.trim(),
        });
      }}
    >
      <FormField
        label="Route selection expression"
        error={fe.routeSelectionExpression ?? (otherErrors(save.error, ["routeSelectionExpression"]) || undefined)}
        className="w-full max-w-md"
      >
        <Input
          name="routeSelectionExpression"
          className="font-mono"
          value={rse}
          disabled={!canWrite}
          onChange={(e) => setRse(e.target.value)}
        />
      </FormField>
      {canWrite && rse !== api.routeSelectionExpression && (
        <Button type="submit" variant="secondary" loading={save.isPending}>
          Save
        </Button>
      )}
    </form>
  );
}

function integrationText(r: WsRoute): string {
  const i = r.integration;
  if (!i) return "—";
  if (i.integrationType === "MOCK") return "Mock";
  if (i.integrationType === "AWS_PROXY") return `Function ${functionName(i.integrationUri)}`;
  return `${i.integrationType === "HTTP" ? "HTTP" : "HTTP proxy"} ${i.integrationMethod ?? ""} ${i.integrationUri ?? ""}`;
}

function WsRoutesPanel({ tenant, api, canWrite }: { tenant: string; api: WsApiDetail; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const rows = useEditDelete<WsRoute>();
  const del = useMutation(
    trpc.apis.v2.wsDeleteRoute.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.ws.pathKey() });
        toast(`Route ${rows.deleting?.routeKey ?? ""} deleted`);
      },
    }),
  );
  const createButton = canWrite && (
    <Button onClick={rows.create}>
      <Plus className="h-4 w-4" aria-hidden />
      Create route
    </Button>
  );
  return (
    <div className="space-y-4">
      <ResourceListCard
        title="Routes"
        count={api.routes.length}
        actions={createButton}
        empty={{
          icon: <Cable className="h-5 w-5" aria-hidden />,
          title: "No routes yet",
          description:
            "$connect runs when a client connects (refuse it there), $disconnect when it leaves, $default for messages no other route matches; a custom route (sendmessage) takes the messages whose selected value is its name.",
          action: createButton,
        }}
      >
        <Table aria-label="Routes">
          <THead>
            <tr>
              <Th>Route key</Th>
              <Th>Integration</Th>
              <Th>Response</Th>
              <Th className="w-24" />
            </tr>
          </THead>
          <TBody>
            {api.routes.map((r) => (
              <Tr key={r.routeId} data-testid={`ws-route-${r.routeKey}`}>
                <Td className="font-mono text-sm font-medium">{r.routeKey}</Td>
                <Td className="max-w-sm truncate text-sm text-gray-700">{integrationText(r)}</Td>
                <Td>{r.twoWay ? <Badge tone="accent">two-way</Badge> : <Badge tone="neutral">one-way</Badge>}</Td>
                <RowActions name={r.routeKey} canWrite={canWrite} {...rows.actionsFor(r)} />
              </Tr>
            ))}
          </TBody>
        </Table>
      </ResourceListCard>
      {rows.editor((route, close) => (
        <WsRouteDialog tenant={tenant} api={api} route={route} onClose={close} />
      ))}
      <DeleteConfirm
        item={rows.deleting}
        onClose={rows.closeDelete}
        mutation={del}
        variables={(r) => ({ tenant, apiId: api.id, routeId: r.routeId })}
        title={(r) => `Delete route ${r.routeKey}?`}
        confirmLabel="Delete route"
      >
        Its integration goes too when no other route uses it. Stages without auto-deploy keep serving it until the next
        deploy.
      </DeleteConfirm>
    </div>
  );
}

type IntegrationKind = "MOCK" | "HTTP_PROXY" | "HTTP" | "AWS_PROXY";

function WsRouteDialog({
  tenant,
  api,
  route,
  onClose,
}: {
  tenant: string;
  api: WsApiDetail;
  route: WsRoute | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const i = route?.integration;
  const presets = ["$connect", "$disconnect", "$default"].filter((k) => !api.routes.some((r) => r.routeKey === k));
  const [key, setKey] = useState(route?.routeKey ?? presets[0] ?? "");
  const [kind, setKind] = useState<IntegrationKind>((i?.integrationType as IntegrationKind | undefined) ?? "MOCK");
  const [uri, setUri] = useState(i && i.integrationType !== "AWS_PROXY" ? (i.integrationUri ?? "") : "");
  const [method, setMethod] = useState(i?.integrationMethod ?? "POST");
  const [fn, setFn] = useState(i?.integrationType === "AWS_PROXY" ? (i.integrationUri ?? "") : "");
  const [timeout, setTimeoutMs] = useState(String(i?.timeoutInMillis ?? 29000));
  const [twoWay, setTwoWay] = useState(route?.twoWay ?? false);
  const functions = useQuery({
    ...trpc.function.list.queryOptions({ tenant, marker: null }),
    enabled: kind === "AWS_PROXY",
  });
  const save = useMutation(
    trpc.apis.v2.wsSaveRoute.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.ws.pathKey() });
        toast(route ? `Route ${key} saved` : `Route ${key} created`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  return (
    <FormDialog
      formId="ws-route-form"
      title={route ? `Edit route ${route.routeKey}` : "Create route"}
      submitLabel={route ? "Save route" : "Create route"}
      loading={save.isPending}
      onClose={onClose}
      onSubmit={() =>
        save.mutate({
          tenant,
          apiId: api.id,
          routeId: route?.routeId,
          routeKey: key.trim(),
          integration:
            kind === "MOCK"
              ? { type: "MOCK" }
              : kind === "AWS_PROXY"
                ? { type: "AWS_PROXY", uri: fn, timeoutInMillis: Number(timeout) }
                : { type: kind, uri: uri.trim(), method: method as "POST", timeoutInMillis: Number(timeout) },
          twoWay,
        })
      }
    >
      <FormField
        label="Route key"
        error={fe.routeKey}
        hint={`$connect, $disconnect, $default, or the value ${api.routeSelectionExpression} selects (e.g. sendmessage).`}
      >
        <Input
          name="routeKey"
          className="font-mono"
          value={key}
          list="ws-route-presets"
          onChange={(e) => setKey(e.target.value)}
          data-autofocus
        />
      </FormField>
      <datalist id="ws-route-presets">
        {presets.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <FormField label="Integration" error={fe.integration}>
        <Select name="integrationType" value={kind} onChange={(e) => setKind(e.target.value as IntegrationKind)}>
          <option value="MOCK">Mock (no backend)</option>
          <option value="AWS_PROXY">Function (Lambda proxy)</option>
          <option value="HTTP_PROXY">HTTP proxy (the message is the request body)</option>
          <option value="HTTP">HTTP</option>
        </Select>
      </FormField>
      {(kind === "HTTP_PROXY" || kind === "HTTP") && (
        <div className="flex gap-2">
          <FormField label="Method" className="w-28">
            <Select name="integrationMethod" value={method} onChange={(e) => setMethod(e.target.value)}>
              {["POST", "PUT", "PATCH", "GET", "DELETE"].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </Select>
          </FormField>
          <FormField label="URL" error={fe["integration.uri"] ?? fe.uri} className="flex-1">
            <Input
              name="uri"
              className="font-mono"
              value={uri}
              onChange={(e) => setUri(e.target.value)}
              placeholder="https://backend.example.com/messages"
            />
          </FormField>
        </div>
      )}
      {kind === "AWS_PROXY" && (
        <FormField label="Function" error={fe["integration.uri"]}>
          <Select name="function" value={fn} onChange={(e) => setFn(e.target.value)}>
            <option value="">Choose a function…</option>
            {(functions.data?.functions ?? []).map((f) => (
              <option key={f.arn} value={f.arn}>
                {f.name}
              </option>
            ))}
          </Select>
        </FormField>
      )}
      {kind !== "MOCK" && (
        <FormField label="Timeout (ms)" error={fe["integration.timeoutInMillis"]} hint="50 to 29,000.">
          <Input inputMode="numeric" value={timeout} onChange={(e) => setTimeoutMs(e.target.value)} />
        </FormField>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={twoWay} onChange={(e) => setTwoWay(e.target.checked)} />
        Two-way: send the integration&apos;s response back to the client
      </label>
      {otherErrors(save.error, ["routeKey", "integration"]) && (
        <Alert tone="danger">{otherErrors(save.error, ["routeKey", "integration"])}</Alert>
      )}
    </FormDialog>
  );
}

function WsStagesPanel({ tenant, api, canWrite }: { tenant: string; api: WsApiDetail; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("prod");
  const [autoDeploy, setAutoDeploy] = useState(true);
  const [deleting, setDeleting] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.v2.ws.pathKey() });
  const create = useMutation(
    trpc.apis.v2.wsSaveStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast(`Stage ${name} created`), setCreating(false)),
    }),
  );
  const toggle = useMutation(
    trpc.apis.v2.wsSaveStage.mutationOptions({ onSuccess: async () => (await refresh(), toast("Stage saved")) }),
  );
  const deploy = useMutation(
    trpc.apis.v2.wsDeploy.mutationOptions({
      onSuccess: async (d) => (await refresh(), toast(`Deployed ${d.id}`)),
    }),
  );
  const del = useMutation(
    trpc.apis.v2.wsDeleteStage.mutationOptions({
      onSuccess: async () => (await refresh(), toast("Stage deleted"), setDeleting(null)),
    }),
  );
  const fe = fieldErrorsOf(create.error);
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
            <Card key={s.stageName} data-testid={`ws-stage-${s.stageName}`}>
              <CardHeader
                title={
                  <span className="inline-flex items-center gap-2">
                    Stage {s.stageName}
                    {s.autoDeploy ? <Badge tone="success">auto-deploy</Badge> : <Badge tone="neutral">manual</Badge>}
                  </span>
                }
                description={
                  s.deploymentId ? `Serves deployment ${s.deploymentId}` : "Not deployed yet: add a route, then deploy"
                }
                actions={
                  canWrite && (
                    <>
                      {!s.autoDeploy && (
                        <Button
                          size="sm"
                          loading={deploy.isPending}
                          onClick={() => deploy.mutate({ tenant, apiId: api.id, stageName: s.stageName })}
                        >
                          <Rocket className="h-4 w-4" aria-hidden />
                          Deploy
                        </Button>
                      )}
                      <Button
                        size="sm"
                        variant="secondary"
                        loading={toggle.isPending}
                        onClick={() =>
                          toggle.mutate({
                            tenant,
                            apiId: api.id,
                            stageName: s.stageName,
                            create: false,
                            description: s.description ?? "",
                            autoDeploy: !s.autoDeploy,
                          })
                        }
                      >
                        {s.autoDeploy ? "Turn auto-deploy off" : "Turn auto-deploy on"}
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-700"
                        onClick={() => setDeleting(s.stageName)}
                      >
                        Delete stage
                      </Button>
                    </>
                  )
                }
              />
              <CardBody className="space-y-4">
                <CopyField label="WebSocket URL (clients connect here)" value={s.invokeUrl} id={`wss-${s.stageName}`} />
                <CopyField
                  label="@connections URL (POST a message to …/@connections/<id>, DELETE to disconnect)"
                  value={s.connectionsUrl}
                  id={`connections-${s.stageName}`}
                />
              </CardBody>
            </Card>
          ))}
        </>
      )}
      {(deploy.error || toggle.error) && (
        <Alert tone="danger">{errorMessageOf(deploy.error ?? toggle.error) ?? "The stage could not be changed."}</Alert>
      )}
      {api.deployments.length > 0 && (
        <Card>
          <CardHeader title="Deployment history" />
          <Table aria-label="Deployments">
            <THead>
              <tr>
                <Th>Deployment</Th>
                <Th>Description</Th>
                <Th>Deployed</Th>
              </tr>
            </THead>
            <TBody>
              {api.deployments.slice(0, 20).map((d) => (
                <Tr key={d.id}>
                  <Td className="font-mono text-xs">{d.id}</Td>
                  <Td className="text-sm text-gray-700">{d.autoDeployed ? "Automatic" : (d.description ?? "—")}</Td>
                  <Td className="text-sm text-gray-700">{new Date(d.createdDate).toLocaleString()}</Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </Card>
      )}
      {creating && (
        <FormDialog
          formId="ws-stage-form"
          title="Create stage"
          submitLabel="Create stage"
          loading={create.isPending}
          onClose={() => (create.reset(), setCreating(false))}
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
      )}
      <ConfirmDialog
        open={!!deleting}
        onClose={() => (del.reset(), setDeleting(null))}
        onConfirm={() => deleting && del.mutate({ tenant, apiId: api.id, stageName: deleting })}
        title={`Delete stage ${deleting ?? ""}?`}
        confirmLabel="Delete stage"
        loading={del.isPending}
        error={errorMessageOf(del.error)}
      >
        New connections to it are refused.
      </ConfirmDialog>
    </div>
  );
}
