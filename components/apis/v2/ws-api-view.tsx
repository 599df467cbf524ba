"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Cable } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  DeleteConfirm,
  FormDialog,
  FormField,
  Input,
  ResourceListCard,
  RowActions,
  Select,
  Table,
  TBody,
  Td,
  Textarea,
  Th,
  THead,
  Tr,
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
import { WsStagesPanel } from "./ws-stages";

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
  return (
    <div className="space-y-4">
      <ResourceListCard
        title="Routes"
        count={api.routes.length}
        create={canWrite && { label: "Create route", onClick: rows.create }}
        empty={{
          icon: <Cable className="h-5 w-5" aria-hidden />,
          title: "No routes yet",
          description:
            "$connect runs when a client connects (refuse it there), $disconnect when it leaves, $default for messages no other route matches; a custom route (sendmessage) takes the messages whose selected value is its name.",
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
                <Td>
                  <RouteResponseCell route={r} />
                </Td>
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

/** One-way, or two-way with its route response(s) and (MOCK, HTTP) the template it answers with. */
function RouteResponseCell({ route }: { route: WsRoute }) {
  if (!route.twoWay) return <Badge tone="neutral">one-way</Badge>;
  const kind = route.integration?.integrationType;
  const template = route.integration?.responseTemplate;
  return (
    <div className="space-y-1">
      <Badge tone="accent">two-way</Badge>
      <div className="text-xs text-gray-600">
        route response{" "}
        <span className="font-mono">{route.routeResponses.map((r) => r.routeResponseKey).join(", ") || "—"}</span>
      </div>
      {(kind === "MOCK" || kind === "HTTP") && (
        <div className="max-w-xs truncate font-mono text-xs text-gray-500" title={template ?? undefined}>
          {template ?? <span className="font-sans text-amber-700">no response template: sends nothing</span>}
        </div>
      )}
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
  const [template, setTemplate] = useState(i?.responseTemplate ?? "");
  // MOCK and HTTP integrations answer through their integration response's template; proxies answer as they are.
  const mapped = kind === "MOCK" || kind === "HTTP";
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
          ...(twoWay && mapped ? { responseTemplate: template } : {}),
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
      {twoWay && (
        <p className="-mt-2 text-xs text-gray-500">
          Saved as the route response <span className="font-mono">$default</span>
          {mapped ? " with the integration response below" : ": the backend's answer goes back as it is"}.
        </p>
      )}
      {twoWay && mapped && (
        <FormField
          label="Response template"
          error={fe.responseTemplate}
          hint={
            kind === "MOCK"
              ? "What the client receives; $context variables (connectionId, routeKey, requestId…) are filled in. Empty: nothing is sent."
              : "The backend's answer through this template ($input.body, $context.*); empty: nothing is sent."
          }
        >
          <Textarea
            name="responseTemplate"
            rows={3}
            value={template}
            placeholder={
              kind === "MOCK"
                ? '{"connectionId": "$context.connectionId", "routeKey": "$context.routeKey"}'
                : "$input.body"
            }
            onChange={(e) => setTemplate(e.target.value)}
          />
        </FormField>
      )}
      {otherErrors(save.error, ["routeKey", "integration", "responseTemplate"]) && (
        <Alert tone="danger">{otherErrors(save.error, ["routeKey", "integration", "responseTemplate"])}</Alert>
      )}
    </FormDialog>
  );
}
