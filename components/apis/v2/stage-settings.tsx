"use client";
import { useState } from "react";
import { Plus, Trash2 } from "lucide-react";
import {
  Alert,
  Button,
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
  fieldErrorsOf,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { KvRows, mapOf, rowsOf, type Row } from "../kv-rows";
import {
  ThrottleFields,
  throttleDraftOf,
  throttleIsValid,
  throttleNumbers,
  throttleProblems,
  type ThrottleDraft,
} from "../throttle-fields";

// The settings of an HTTP or WebSocket API's stage as the console edits them (one form for both,
// saved through the same console stage service): description, auto-deploy, the default route
// throttling, per-route throttling (RouteSettings), access logging and stage variables.

type RouteThrottle = { throttlingRateLimit: number | null; throttlingBurstLimit: number | null };

/** A stage as both v2 pages read it (trpc.apis.v2.http / .ws). */
export type V2StageSettings = {
  stageName: string;
  description: string | null;
  autoDeploy: boolean;
  stageVariables: Record<string, string>;
  throttlingRateLimit: number | null;
  throttlingBurstLimit: number | null;
  routeSettings: Record<string, RouteThrottle>;
  accessLogSettings: { destinationArn: string; format: string } | null;
};

/** What the form saves (the fields of apis.v2.saveStage / wsSaveStage besides the API and stage). */
export type StageSettingsValues = {
  description: string;
  autoDeploy: boolean;
  stageVariables: Record<string, string>;
  throttlingRateLimit: number | null;
  throttlingBurstLimit: number | null;
  routeSettings: Record<string, RouteThrottle>;
  accessLogDestinationArn: string | null;
  accessLogFormat: string | null;
};

// Example formats AWS's console offers for access logs, per kind of API.
const CLF_HTTP =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId';
const CLF_WS =
  '$context.identity.sourceIp - - [$context.requestTime] "$context.eventType $context.routeKey $context.connectionId" $context.status $context.requestId';
export const LOG_FORMATS: Record<"HTTP" | "WEBSOCKET", Record<string, string>> = {
  HTTP: {
    CLF: CLF_HTTP,
    JSON: '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength"}',
  },
  WEBSOCKET: {
    CLF: CLF_WS,
    JSON: '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","eventType":"$context.eventType","routeKey":"$context.routeKey","connectionId":"$context.connectionId","status":"$context.status"}',
  },
};

const SHOWN = [
  "description",
  "stageVariables",
  "throttlingRateLimit",
  "throttlingBurstLimit",
  "autoDeploy",
  "routeSettings",
  "accessLogDestinationArn",
  "accessLogFormat",
];

export function StageSettingsForm({
  protocol,
  stage,
  routes,
  canWrite,
  saving,
  error,
  onSave,
}: {
  protocol: "HTTP" | "WEBSOCKET";
  stage: V2StageSettings;
  /** The API's route keys (what per-route throttling can name). */
  routes: string[];
  canWrite: boolean;
  saving: boolean;
  /** The save mutation's error: field errors show at their fields, the rest above the button. */
  error: unknown;
  onSave: (v: StageSettingsValues) => void;
}) {
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
  const fe = fieldErrorsOf(error);
  const formats = LOG_FORMATS[protocol];
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!throttleIsValid(throttle) || Object.values(routeThrottles).some((t) => !throttleIsValid(t, true))) return;
        onSave({
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
          labels={{
            rate: `Default route throttling: rate (${protocol === "HTTP" ? "req" : "msg"}/s)`,
            burst: "Burst",
          }}
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
        protocol={protocol}
        routes={routes}
        value={routeThrottles}
        onChange={setRouteThrottles}
        disabled={!canWrite}
        error={fe.routeSettings}
      />
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-gray-800">Access logging</legend>
        <p className="text-xs text-gray-500">
          {protocol === "HTTP"
            ? "One line per request"
            : "One line per connect and per message ($context.eventType CONNECT or MESSAGE)"}{" "}
          in the Access log tab&apos;s entries (and the server log), in your format. Leave both empty to turn it off.
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
              placeholder={formats.CLF}
              onChange={(e) => setLogFormat(e.target.value)}
            />
          </FormField>
        </div>
        {canWrite && !logFormat && (
          <div className="flex flex-wrap gap-2 text-xs">
            <span className="text-gray-500">Start from:</span>
            {Object.entries(formats).map(([label, f]) => (
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
      {otherErrors(error, SHOWN) && <Alert tone="danger">{otherErrors(error, SHOWN)}</Alert>}
      {canWrite && (
        <Button type="submit" variant="secondary" loading={saving}>
          Save stage
        </Button>
      )}
    </form>
  );
}

/** Per-route throttling (RouteSettings): an override of the stage's default for one route key. */
function RouteThrottling({
  protocol,
  routes,
  value,
  onChange,
  disabled,
  error,
}: {
  protocol: "HTTP" | "WEBSOCKET";
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
        {protocol === "HTTP"
          ? "A route with its own rate and burst is throttled by those instead of the stage's default (429 Too Many Requests beyond them)."
          : "A route with its own rate and burst is throttled by those instead of the stage's default: beyond them a message gets a “Too many requests” error frame ($connect: the handshake is refused with 429)."}
      </p>
      {Object.keys(value).length > 0 && (
        <Table aria-label="Route throttling">
          <THead>
            <tr>
              <Th>Route</Th>
              <Th>Rate ({protocol === "HTTP" ? "req" : "msg"}/s)</Th>
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
