"use client";
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { Alert, Button, FormField, Input, Select, Textarea, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { useTRPC } from "@/lib/trpc";
import { ExtraTemplates, otherTemplatesOf, templatesOf } from "./extra-templates";
import { KvRows, mapOf, rowsOf, type Row } from "./kv-rows";
import { AWS_SERVICES, awsPreset, functionOfUri, lambdaUri, parseAwsUri, type AwsService } from "./presets";
import type { ApiDetail, MethodView } from "./types";

type IntegrationType = "MOCK" | "HTTP" | "HTTP_PROXY" | "AWS" | "AWS_PROXY";
type Passthrough = "WHEN_NO_MATCH" | "WHEN_NO_TEMPLATES" | "NEVER";
type Resp = { statusCode: string; selectionPattern: string; responseTemplate: string };
const VERBS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;

const TYPES: { value: IntegrationType; label: string }[] = [
  { value: "AWS", label: "AWS service (queue, topic, event bus, workflow)" },
  { value: "AWS_PROXY", label: "Function (proxy)" },
  { value: "HTTP_PROXY", label: "HTTP (proxy)" },
  { value: "HTTP", label: "HTTP (with mapping)" },
  { value: "MOCK", label: "Mock" },
];

/** Integration request (type, target, mapping template with a live preview) and its responses. */
export function IntegrationForm({
  tenant,
  api,
  resourceId,
  resourcePath,
  method,
  canWrite,
}: {
  tenant: string;
  api: ApiDetail;
  resourceId: string;
  resourcePath: string;
  method: MethodView;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const current = useCurrentTenant();
  const i = method.methodIntegration;
  const initialTemplate = i?.requestTemplates?.["application/json"] ?? "";
  const [type, setType] = useState<IntegrationType>((i?.type as IntegrationType | undefined) ?? "AWS");
  const [verb, setVerb] = useState<string>(i?.httpMethod ?? "POST");
  const [uri, setUri] = useState(i?.uri ?? "");
  const parsed = parseAwsUri(i?.uri ?? "", initialTemplate);
  const [service, setService] = useState<AwsService>(parsed?.service ?? "sqs");
  const [target, setTarget] = useState(parsed?.target ?? "");
  const [fn, setFn] = useState(functionOfUri(i?.uri ?? ""));
  const [params, setParams] = useState<Row[]>(rowsOf(i?.requestParameters));
  const [template, setTemplate] = useState(initialTemplate || (i ? "" : type === "MOCK" ? '{"statusCode": 200}' : ""));
  const [otherTemplates, setOtherTemplates] = useState(otherTemplatesOf(i?.requestTemplates));
  const [passthrough, setPassthrough] = useState<Passthrough>(
    (i?.passthroughBehavior as Passthrough) ?? "WHEN_NO_MATCH",
  );
  const [timeout, setTimeoutMs] = useState(String(i?.timeoutInMillis ?? 29000));
  const [responses, setResponses] = useState<Resp[]>(() => {
    const rs = Object.values(i?.integrationResponses ?? {}).map((r) => ({
      statusCode: r.statusCode,
      selectionPattern: r.selectionPattern ?? "",
      responseTemplate: r.responseTemplates?.["application/json"] ?? "",
    }));
    return rs.length ? rs : [{ statusCode: "200", selectionPattern: "", responseTemplate: "" }];
  });

  const queues = useQuery({
    ...trpc.queue.list.queryOptions({ tenant }),
    enabled: type === "AWS" && service === "sqs",
  });
  const topics = useQuery({
    ...trpc.topic.list.queryOptions({ tenant }),
    enabled: type === "AWS" && service === "sns",
  });
  const buses = useQuery({
    ...trpc.events.buses.queryOptions({ tenant }),
    enabled: type === "AWS" && service === "events",
  });
  const machines = useQuery({
    ...trpc.workflows.machines.queryOptions({ tenant }),
    enabled: type === "AWS" && service === "states",
  });
  const functions = useQuery({
    ...trpc.function.list.queryOptions({ tenant, marker: null }),
    enabled: type === "AWS_PROXY",
  });
  const targets: { value: string; label: string }[] =
    service === "sqs"
      ? (queues.data ?? []).map((q) => ({ value: q.name, label: q.name }))
      : service === "sns"
        ? (topics.data ?? []).map((t) => ({ value: t.arn, label: t.name }))
        : service === "events"
          ? (buses.data ?? []).map((b) => ({ value: b.name, label: b.name }))
          : (machines.data ?? []).map((m) => ({ value: m.arn, label: m.name }));

  const applyPreset = (svc: AwsService, t: string) => {
    setService(svc);
    setTarget(t);
    if (!t) return;
    const p = awsPreset(svc, t, current.region, current.accountId);
    setUri(p.uri);
    setParams(rowsOf(p.requestParameters));
    setTemplate(p.template);
    setVerb("POST");
  };

  const save = useMutation(
    trpc.apis.saveIntegration.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        toast("Integration saved");
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const proxy = type === "HTTP_PROXY" || type === "AWS_PROXY";
  const effectiveUri = type === "AWS_PROXY" ? (fn ? lambdaUri(current.region, fn) : "") : type === "MOCK" ? "" : uri;
  const shown = [
    "type",
    "uri",
    "timeoutInMillis",
    "responses",
    "requestTemplates",
    "requestParameters",
    "integrationHttpMethod",
  ];
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          tenant,
          apiId: api.id,
          resourceId,
          httpMethod: method.httpMethod as "GET",
          type,
          integrationHttpMethod: type === "MOCK" ? undefined : (verb as "POST"),
          uri: effectiveUri || undefined,
          requestParameters: proxy ? {} : mapOf(params),
          requestTemplates: proxy ? {} : templatesOf(template, otherTemplates),
          passthroughBehavior: passthrough,
          timeoutInMillis: Number(timeout),
          responses: proxy
            ? []
            : responses.map((r) => ({
                statusCode: r.statusCode.trim(),
                selectionPattern: r.selectionPattern || undefined,
                responseTemplate: r.responseTemplate || undefined,
              })),
        });
      }}
    >
      <FormField label="Integration type" error={fe.type}>
        <Select
          name="type"
          value={type}
          disabled={!canWrite}
          onChange={(e) => {
            const t = e.target.value as IntegrationType;
            setType(t);
            if (t === "MOCK" && !template) setTemplate('{"statusCode": 200}');
          }}
        >
          {TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </Select>
      </FormField>

      {type === "AWS" && (
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Service">
            <Select
              name="service"
              value={service}
              disabled={!canWrite}
              onChange={(e) => applyPreset(e.target.value as AwsService, "")}
            >
              {AWS_SERVICES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </FormField>
          <FormField
            label={{ sqs: "Queue", sns: "Topic", events: "Event bus", states: "State machine" }[service]}
            hint="Choosing one fills in the URI, the headers and a starting mapping template."
          >
            <Select
              name="target"
              value={target}
              disabled={!canWrite}
              onChange={(e) => applyPreset(service, e.target.value)}
            >
              <option value="">Choose…</option>
              {target && !targets.some((t) => t.value === target) && <option value={target}>{target}</option>}
              {targets.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </Select>
          </FormField>
        </div>
      )}
      {type === "AWS_PROXY" && (
        <FormField
          label="Function"
          error={fe.uri}
          hint="The function receives API Gateway's proxy event and returns {statusCode, headers, body}."
        >
          <Select name="function" value={fn} disabled={!canWrite} onChange={(e) => setFn(e.target.value)}>
            <option value="">Choose…</option>
            {fn && !functions.data?.functions.some((f) => f.arn === fn) && <option value={fn}>{fn}</option>}
            {functions.data?.functions.map((f) => (
              <option key={f.arn} value={f.arn}>
                {f.name}
              </option>
            ))}
          </Select>
        </FormField>
      )}
      {(type === "HTTP" || type === "HTTP_PROXY" || type === "AWS") && (
        <div className="grid gap-4 sm:grid-cols-[8rem_1fr]">
          <FormField label="Method" error={fe.integrationHttpMethod}>
            <Select
              name="integrationHttpMethod"
              value={verb}
              disabled={!canWrite}
              onChange={(e) => setVerb(e.target.value)}
            >
              {VERBS.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </Select>
          </FormField>
          <FormField
            label={type === "AWS" ? "Integration URI" : "Endpoint URL"}
            error={fe.uri}
            hint={
              type === "HTTP_PROXY"
                ? "Use {proxy} or {name} for path parameters; ${stageVariables.x} works too."
                : undefined
            }
          >
            <Input
              name="uri"
              className="font-mono text-xs"
              value={uri}
              disabled={!canWrite}
              placeholder={type === "AWS" ? "arn:aws:apigateway:us-east-1:sqs:path/…" : "https://example.com/{proxy}"}
              onChange={(e) => setUri(e.target.value)}
            />
          </FormField>
        </div>
      )}

      {!proxy && (
        <>
          {type !== "MOCK" && (
            <FormField
              label="Integration request parameters"
              error={fe.requestParameters}
              hint="integration.request.header.Name → 'literal', method.request.querystring.x, stageVariables.x or context.x"
            >
              <KvRows
                rows={params}
                onChange={setParams}
                keyLabel="Integration parameter"
                valueLabel="Mapped from"
                keyPlaceholder="integration.request.header.Content-Type"
                valuePlaceholder="'application/json'"
                disabled={!canWrite}
                addLabel="Add parameter"
              />
            </FormField>
          )}
          <TemplateEditor
            tenant={tenant}
            apiId={api.id}
            resourcePath={resourcePath}
            httpMethod={method.httpMethod}
            template={template}
            onChange={setTemplate}
            disabled={!canWrite}
            error={fe.requestTemplates}
          />
          <ExtraTemplates
            templates={otherTemplates}
            onChange={setOtherTemplates}
            disabled={!canWrite}
            editor={(contentType, value, onChange) => (
              <TemplateEditor
                tenant={tenant}
                apiId={api.id}
                resourcePath={resourcePath}
                httpMethod={method.httpMethod}
                template={value}
                onChange={onChange}
                disabled={!canWrite}
                contentType={contentType}
              />
            )}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Request body passthrough" hint="When no template matches the request's content type.">
              <Select
                name="passthroughBehavior"
                value={passthrough}
                disabled={!canWrite}
                onChange={(e) => setPassthrough(e.target.value as Passthrough)}
              >
                <option value="WHEN_NO_MATCH">When no template matches (pass it through)</option>
                <option value="WHEN_NO_TEMPLATES">When there are no templates</option>
                <option value="NEVER">Never (415 Unsupported Media Type)</option>
              </Select>
            </FormField>
            <FormField label="Timeout (ms)" error={fe.timeoutInMillis}>
              <Input
                name="timeoutInMillis"
                inputMode="numeric"
                value={timeout}
                disabled={!canWrite}
                onChange={(e) => setTimeoutMs(e.target.value)}
              />
            </FormField>
          </div>
          <ResponsesEditor responses={responses} onChange={setResponses} disabled={!canWrite} error={fe.responses} />
        </>
      )}
      {proxy && (
        <FormField label="Timeout (ms)" error={fe.timeoutInMillis}>
          <Input
            name="timeoutInMillis"
            inputMode="numeric"
            value={timeout}
            disabled={!canWrite}
            onChange={(e) => setTimeoutMs(e.target.value)}
          />
        </FormField>
      )}
      {otherErrors(save.error, shown) && <Alert tone="danger">{otherErrors(save.error, shown)}</Alert>}
      {canWrite && (
        <Button type="submit" loading={save.isPending}>
          Save integration
        </Button>
      )}
    </form>
  );
}

const SAMPLE_BODY = '{\n  "order": {"id": 42, "item": "book"}\n}';

/** The application/json request template with a live preview on a sample request (rendered on the server). */
function TemplateEditor({
  tenant,
  apiId,
  resourcePath,
  httpMethod,
  template,
  onChange,
  disabled,
  error,
  contentType = "application/json",
}: {
  tenant: string;
  apiId: string;
  resourcePath: string;
  httpMethod: string;
  template: string;
  onChange: (t: string) => void;
  disabled: boolean;
  error?: string[];
  contentType?: string;
}) {
  const trpc = useTRPC();
  const [body, setBody] = useState(SAMPLE_BODY);
  const [query, setQuery] = useState("");
  const preview = useMutation(trpc.apis.previewTemplate.mutationOptions());
  const { mutate } = preview;
  useEffect(() => {
    if (!template.trim()) return;
    const t = setTimeout(
      () =>
        mutate({
          tenant,
          apiId,
          resourcePath,
          httpMethod,
          template,
          body,
          path: {},
          querystring: Object.fromEntries(new URLSearchParams(query)),
          header: { "Content-Type": contentType },
          stageVariables: {},
        }),
      300,
    );
    return () => clearTimeout(t);
  }, [template, body, query, tenant, apiId, resourcePath, httpMethod, mutate, contentType]);
  const out = preview.data;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <FormField
        label={`Mapping template (${contentType})`}
        error={error}
        hint="Velocity: $input.body, $input.json('$.x'), $input.params('name'), $util.urlEncode(), $context, $stageVariables."
      >
        <Textarea
          name="template"
          rows={8}
          className="text-xs"
          value={template}
          disabled={disabled}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      </FormField>
      <div className="space-y-2">
        <div className="text-sm font-medium text-gray-700">Live preview</div>
        <Textarea
          aria-label="Sample request body"
          rows={3}
          className="text-xs"
          value={body}
          spellCheck={false}
          onChange={(e) => setBody(e.target.value)}
        />
        <Input
          aria-label="Sample query string"
          className="font-mono text-xs"
          placeholder="query string, e.g. page=2"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <pre
          data-testid="template-preview"
          className={`max-h-48 overflow-auto rounded-md border p-2 text-xs break-all whitespace-pre-wrap ${
            out && !out.ok ? "border-red-300 bg-red-50 text-red-800" : "border-gray-200 bg-gray-50 text-gray-800"
          }`}
        >
          {!template.trim()
            ? "No template: the body is passed through as it is."
            : !out
              ? "…"
              : out.ok
                ? out.output || "(empty)"
                : `Template error: ${out.error}`}
        </pre>
      </div>
    </div>
  );
}

function ResponsesEditor({
  responses,
  onChange,
  disabled,
  error,
}: {
  responses: Resp[];
  onChange: (r: Resp[]) => void;
  disabled: boolean;
  error?: string[];
}) {
  const set = (i: number, patch: Partial<Resp>) =>
    onChange(responses.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <FormField
      label="Method and integration responses"
      error={error}
      hint="Each status is a method response; the integration response with a matching selection pattern (a regex on the backend's status, or the error message) picks it. Empty pattern: the default."
    >
      <div className="space-y-3">
        {responses.map((r, i) => (
          <div key={i} className="space-y-2 rounded-md border border-gray-200 p-3">
            <div className="flex items-center gap-2">
              <Input
                aria-label="Status code"
                className="w-20 font-mono text-xs"
                value={r.statusCode}
                disabled={disabled}
                onChange={(e) => set(i, { statusCode: e.target.value })}
              />
              <Input
                aria-label="Selection pattern"
                className="font-mono text-xs"
                placeholder="Selection pattern (regex), empty for the default"
                value={r.selectionPattern}
                disabled={disabled}
                onChange={(e) => set(i, { selectionPattern: e.target.value })}
              />
              {!disabled && responses.length > 1 && (
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label="Remove response"
                  onClick={() => onChange(responses.filter((_, j) => j !== i))}
                >
                  <X className="h-4 w-4" aria-hidden />
                </Button>
              )}
            </div>
            <Textarea
              aria-label="Response template"
              rows={2}
              className="text-xs"
              placeholder="Response template (application/json), empty to pass the backend's body"
              value={r.responseTemplate}
              disabled={disabled}
              onChange={(e) => set(i, { responseTemplate: e.target.value })}
            />
          </div>
        ))}
        {!disabled && (
          <Button
            size="sm"
            variant="secondary"
            onClick={() =>
              onChange([...responses, { statusCode: "400", selectionPattern: "4\\d{2}", responseTemplate: "" }])
            }
          >
            <Plus className="h-4 w-4" aria-hidden />
            Add response
          </Button>
        )}
      </div>
    </FormField>
  );
}
