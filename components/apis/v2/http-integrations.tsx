"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plug, Plus, X } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  DeleteConfirm,
  Dialog,
  FormDialogFooter,
  FormField,
  Input,
  ResourceListCard,
  RowActions,
  SegmentedControl,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  fieldErrorsOf,
  useEditDelete,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { useTRPC } from "@/lib/trpc";
import { integrationLabel } from "./http-routes";
import type { HttpApiDetail, HttpIntegration } from "./shared";

type Kind = "HTTP_PROXY" | "FUNCTION" | "AWS_SERVICE";
type Subtype = "SQS-SendMessage" | "EventBridge-PutEvents" | "StepFunctions-StartExecution";

/** The request parameters of each AWS service subtype (AWS's "Integration subtype reference"). */
const SUBTYPE_PARAMS: Record<Subtype, { name: string; required: boolean; example: string; pick?: string }[]> = {
  "SQS-SendMessage": [
    { name: "QueueUrl", required: true, example: "", pick: "queue" },
    { name: "MessageBody", required: true, example: "$request.body" },
    { name: "DelaySeconds", required: false, example: "0" },
    { name: "MessageAttributes", required: false, example: "" },
    { name: "MessageDeduplicationId", required: false, example: "" },
    { name: "MessageGroupId", required: false, example: "" },
  ],
  "EventBridge-PutEvents": [
    { name: "Detail", required: true, example: "$request.body" },
    { name: "DetailType", required: true, example: "order.created" },
    { name: "Source", required: true, example: "orders.api" },
    { name: "EventBusName", required: false, example: "", pick: "bus" },
    { name: "Resources", required: false, example: "" },
    { name: "Time", required: false, example: "" },
  ],
  "StepFunctions-StartExecution": [
    { name: "StateMachineArn", required: true, example: "", pick: "machine" },
    { name: "Input", required: false, example: "$request.body" },
    { name: "Name", required: false, example: "$context.requestId" },
  ],
};

/** Integrations: HTTP proxy, function, AWS service; create, edit (with parameter mapping), delete. */
export function HttpIntegrationsPanel({
  tenant,
  api,
  canWrite,
}: {
  tenant: string;
  api: HttpApiDetail;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const rows = useEditDelete<HttpIntegration>();
  const del = useMutation(
    trpc.apis.v2.deleteIntegration.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
        toast("Integration deleted");
      },
    }),
  );
  return (
    <div className="space-y-4">
      <ResourceListCard
        title="Integrations"
        count={api.integrations.length}
        create={canWrite && { label: "Create integration", onClick: rows.create }}
        empty={{
          icon: <Plug className="h-5 w-5" aria-hidden />,
          title: "No integrations yet",
          description:
            "An integration is where a route sends its requests: an HTTP URL, a function, or an AWS service action (send to a queue, put an event, start a workflow).",
        }}
      >
        <Table aria-label="Integrations">
          <THead>
            <tr>
              <Th>Integration</Th>
              <Th>Type</Th>
              <Th className="hidden md:table-cell">Used by</Th>
              <Th className="hidden md:table-cell">Timeout</Th>
              <Th className="w-24" />
            </tr>
          </THead>
          <TBody>
            {api.integrations.map((i) => {
              const users = api.routes.filter((r) => r.target === `integrations/${i.integrationId}`);
              return (
                <Tr key={i.integrationId} data-testid={`integration-${i.integrationId}`}>
                  <Td className="max-w-sm">
                    <div className="truncate text-sm font-medium text-gray-900">{integrationLabel(i)}</div>
                    <div className="font-mono text-xs text-gray-500">{i.integrationId}</div>
                    {Object.keys(i.requestParameters).length > 0 && (
                      <div className="mt-1 text-xs text-gray-500">
                        {Object.keys(i.requestParameters).length}{" "}
                        {i.integrationSubtype ? "request parameter(s)" : "parameter mapping(s)"}
                      </div>
                    )}
                  </Td>
                  <Td>
                    <Badge tone={i.integrationSubtype ? "info" : "neutral"}>
                      {i.integrationSubtype
                        ? "AWS service"
                        : i.integrationType === "HTTP_PROXY"
                          ? "HTTP"
                          : `Function · ${i.payloadFormatVersion}`}
                    </Badge>
                  </Td>
                  <Td className="hidden font-mono text-xs text-gray-700 md:table-cell">
                    {users.map((r) => r.routeKey).join(", ") || "—"}
                  </Td>
                  <Td className="hidden text-sm text-gray-700 md:table-cell">{i.timeoutInMillis} ms</Td>
                  <RowActions name={`integration ${i.integrationId}`} canWrite={canWrite} {...rows.actionsFor(i)} />
                </Tr>
              );
            })}
          </TBody>
        </Table>
      </ResourceListCard>
      {rows.editor((integration, close) => (
        <IntegrationDialog tenant={tenant} api={api} integration={integration} onClose={close} />
      ))}
      <DeleteConfirm
        item={rows.deleting}
        onClose={rows.closeDelete}
        mutation={del}
        variables={(i) => ({ tenant, apiId: api.id, integrationId: i.integrationId })}
        title={() => "Delete integration?"}
        confirmLabel="Delete integration"
      >
        An integration a route still targets cannot be deleted: detach it from the route first.
      </DeleteConfirm>
    </div>
  );
}

type Mapping = { action: "append" | "overwrite" | "remove"; target: string; value: string };
const mappingsOf = (m: Record<string, string>): Mapping[] =>
  Object.entries(m).map(([k, value]) => {
    const [action, ...rest] = k.split(":");
    return { action: action as Mapping["action"], target: rest.join(":"), value };
  });

function IntegrationDialog({
  tenant,
  api,
  integration,
  onClose,
}: {
  tenant: string;
  api: HttpApiDetail;
  integration: HttpIntegration | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const current = useCurrentTenant();
  const initialKind: Kind = integration?.integrationSubtype
    ? "AWS_SERVICE"
    : integration?.integrationType === "AWS_PROXY"
      ? "FUNCTION"
      : "HTTP_PROXY";
  const [kind, setKind] = useState<Kind>(initialKind);
  const [uri, setUri] = useState(initialKind === "HTTP_PROXY" ? (integration?.integrationUri ?? "") : "");
  const [method, setMethod] = useState(integration?.integrationMethod ?? "ANY");
  const [fn, setFn] = useState(initialKind === "FUNCTION" ? (integration?.integrationUri ?? "") : "");
  const [pfv, setPfv] = useState<"1.0" | "2.0">(integration?.payloadFormatVersion === "1.0" ? "1.0" : "2.0");
  const [subtype, setSubtype] = useState<Subtype>((integration?.integrationSubtype as Subtype) ?? "SQS-SendMessage");
  const [params, setParams] = useState<Record<string, string>>(
    initialKind === "AWS_SERVICE" ? (integration?.requestParameters ?? {}) : { MessageBody: "$request.body" },
  );
  const [mappings, setMappings] = useState<Mapping[]>(
    initialKind !== "AWS_SERVICE" ? mappingsOf(integration?.requestParameters ?? {}) : [],
  );
  const [timeout, setTimeoutMs] = useState(String(integration?.timeoutInMillis ?? 30000));
  const [description, setDescription] = useState(integration?.description ?? "");
  const functions = useQuery({
    ...trpc.function.list.queryOptions({ tenant, marker: null }),
    enabled: kind === "FUNCTION",
  });
  const queues = useQuery({ ...trpc.queue.list.queryOptions({ tenant }), enabled: kind === "AWS_SERVICE" });
  const buses = useQuery({ ...trpc.events.buses.queryOptions({ tenant }), enabled: kind === "AWS_SERVICE" });
  const machines = useQuery({ ...trpc.workflows.machines.queryOptions({ tenant }), enabled: kind === "AWS_SERVICE" });
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const choices = (pick: string | undefined): { value: string; label: string }[] =>
    pick === "queue"
      ? (queues.data ?? []).map((q) => ({ value: `${origin}/${current.accountId}/${q.name}`, label: q.name }))
      : pick === "bus"
        ? (buses.data ?? []).map((b) => ({ value: b.name, label: b.name }))
        : pick === "machine"
          ? (machines.data ?? []).map((m) => ({ value: m.arn, label: m.name }))
          : [];
  const save = useMutation(
    trpc.apis.v2.saveIntegration.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
        toast(integration ? "Integration saved" : "Integration created");
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const shown = ["uri", "method", "subtype", "timeoutInMillis", "requestParameters", "payloadFormatVersion"];
  const mapped = Object.fromEntries(
    mappings.filter((m) => m.target.trim()).map((m) => [`${m.action}:${m.target.trim()}`, m.value]),
  );
  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title={integration ? `Edit integration ${integration.integrationId}` : "Create integration"}
      footer={
        <FormDialogFooter
          formId="integration-form"
          submitLabel={integration ? "Save integration" : "Create integration"}
          onCancel={onClose}
          loading={save.isPending}
        />
      }
    >
      <form
        id="integration-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const common = {
            tenant,
            apiId: api.id,
            integrationId: integration?.integrationId,
            timeoutInMillis: Number(timeout),
            description: description || undefined,
          };
          if (kind === "HTTP_PROXY")
            save.mutate({
              ...common,
              kind,
              uri: uri.trim(),
              method: method as "ANY",
              requestParameters: mapped,
            });
          else if (kind === "FUNCTION")
            save.mutate({ ...common, kind, uri: fn, payloadFormatVersion: pfv, requestParameters: mapped });
          else
            save.mutate({
              ...common,
              kind,
              subtype,
              requestParameters: Object.fromEntries(
                Object.entries(params).filter(
                  ([k, v]) => v.trim() !== "" && SUBTYPE_PARAMS[subtype].some((p) => p.name === k),
                ),
              ),
            });
        }}
      >
        <SegmentedControl<Kind>
          label="Target"
          options={[
            { value: "HTTP_PROXY", label: "HTTP URL" },
            { value: "FUNCTION", label: "Function" },
            { value: "AWS_SERVICE", label: "AWS service" },
          ]}
          value={kind}
          onChange={setKind}
        />
        {kind === "HTTP_PROXY" && (
          <div className="flex gap-2">
            <FormField label="Method" className="w-32">
              <Select name="integrationMethod" value={method} onChange={(e) => setMethod(e.target.value)}>
                {["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </Select>
            </FormField>
            <FormField label="URL" error={fe.uri} className="flex-1" hint="{param} and ${stageVariables.x} work.">
              <Input
                name="uri"
                className="font-mono"
                value={uri}
                onChange={(e) => setUri(e.target.value)}
                placeholder="https://backend.example.com/{proxy}"
              />
            </FormField>
          </div>
        )}
        {kind === "FUNCTION" && (
          <div className="grid gap-4 sm:grid-cols-3">
            <FormField label="Function" error={fe.uri} className="sm:col-span-2">
              <Select name="function" value={fn} onChange={(e) => setFn(e.target.value)}>
                <option value="">Choose a function…</option>
                {(functions.data?.functions ?? []).map((f) => (
                  <option key={f.arn} value={f.arn}>
                    {f.name}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField label="Payload format" error={fe.payloadFormatVersion}>
              <Select name="payloadFormatVersion" value={pfv} onChange={(e) => setPfv(e.target.value as "1.0")}>
                <option value="2.0">2.0</option>
                <option value="1.0">1.0</option>
              </Select>
            </FormField>
          </div>
        )}
        {kind === "AWS_SERVICE" && (
          <>
            <FormField label="Action" error={fe.subtype}>
              <Select name="subtype" value={subtype} onChange={(e) => setSubtype(e.target.value as Subtype)}>
                <option value="SQS-SendMessage">SQS · SendMessage (queue)</option>
                <option value="EventBridge-PutEvents">EventBridge · PutEvents (event bus)</option>
                <option value="StepFunctions-StartExecution">Step Functions · StartExecution (workflow)</option>
              </Select>
            </FormField>
            <div className="space-y-3 rounded-md border border-gray-200 p-3">
              <p className="text-xs text-gray-500">
                Each value is a constant or a mapping: $request.body, $request.body.name, $request.header.name,
                $request.querystring.name, $request.path.name, $context.requestId, $stageVariables.name.
              </p>
              {SUBTYPE_PARAMS[subtype].map((p) => {
                const opts = choices(p.pick);
                return (
                  <FormField key={p.name} label={`${p.name}${p.required ? "" : " (optional)"}`}>
                    {p.pick ? (
                      <Select
                        name={p.name}
                        value={params[p.name] ?? ""}
                        onChange={(e) => setParams({ ...params, [p.name]: e.target.value })}
                      >
                        <option value="">{p.required ? "Choose…" : "Default"}</option>
                        {opts.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                        {params[p.name] && !opts.some((o) => o.value === params[p.name]) && (
                          <option value={params[p.name]}>{params[p.name]}</option>
                        )}
                      </Select>
                    ) : (
                      <Input
                        name={p.name}
                        className="font-mono text-xs"
                        value={params[p.name] ?? ""}
                        placeholder={p.example}
                        onChange={(e) => setParams({ ...params, [p.name]: e.target.value })}
                      />
                    )}
                  </FormField>
                );
              })}
            </div>
          </>
        )}
        {kind !== "AWS_SERVICE" && (
          <FormField
            label="Parameter mapping (optional)"
            error={fe.requestParameters}
            hint="Change the request before it goes to the integration: header.name, querystring.name, or path; the value may be a mapping ($request.header.x, $context.requestId, $stageVariables.y) or a constant."
          >
            <div className="space-y-2">
              {mappings.map((m, i) => (
                <div key={i} className="flex items-center gap-2">
                  <Select
                    aria-label="Change"
                    className="w-32"
                    value={m.action}
                    onChange={(e) =>
                      setMappings(
                        mappings.map((x, j) => (j === i ? { ...x, action: e.target.value as Mapping["action"] } : x)),
                      )
                    }
                  >
                    <option value="append">append</option>
                    <option value="overwrite">overwrite</option>
                    <option value="remove">remove</option>
                  </Select>
                  <Input
                    aria-label="Parameter"
                    className="font-mono text-xs"
                    placeholder="header.x-tenant"
                    value={m.target}
                    onChange={(e) =>
                      setMappings(mappings.map((x, j) => (j === i ? { ...x, target: e.target.value } : x)))
                    }
                  />
                  <Input
                    aria-label="Value"
                    className="font-mono text-xs"
                    placeholder={m.action === "remove" ? "''" : "$request.header.x-id"}
                    value={m.value}
                    onChange={(e) =>
                      setMappings(mappings.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
                    }
                  />
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label="Remove mapping"
                    onClick={() => setMappings(mappings.filter((_, j) => j !== i))}
                  >
                    <X className="h-4 w-4" aria-hidden />
                  </Button>
                </div>
              ))}
              <Button
                size="sm"
                variant="secondary"
                onClick={() => setMappings([...mappings, { action: "overwrite", target: "", value: "" }])}
              >
                <Plus className="h-4 w-4" aria-hidden />
                Add mapping
              </Button>
            </div>
          </FormField>
        )}
        <div className="grid gap-4 sm:grid-cols-3">
          <FormField label="Timeout (ms)" error={fe.timeoutInMillis} hint="50 to 30,000.">
            <Input
              name="timeoutInMillis"
              inputMode="numeric"
              value={timeout}
              onChange={(e) => setTimeoutMs(e.target.value)}
            />
          </FormField>
          <FormField label="Description (optional)" className="sm:col-span-2">
            <Input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </FormField>
        </div>
        {otherErrors(save.error, shown) && <Alert tone="danger">{otherErrors(save.error, shown)}</Alert>}
      </form>
    </Dialog>
  );
}
