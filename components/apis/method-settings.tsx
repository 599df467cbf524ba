"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Trash2 } from "lucide-react";
import {
  Alert,
  Button,
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
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import {
  ThrottleFields,
  throttleDraftOf,
  throttleIsValid,
  throttleNumbers,
  type ThrottleDraft,
} from "./throttle-fields";
import type { ApiDetail, StageView } from "./types";

// A REST stage's per-method settings: throttling and caching overrides (methodSettings keyed
// "orders/POST") shown beside the stage-wide defaults ("*/*"), added, edited and removed.

type Setting = Record<string, unknown>;
const show = (v: unknown) => (v === undefined || v === null ? "—" : String(v));

export function MethodSettings({
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
  const methods = api.resources.flatMap((r) =>
    r.methods.map((m) => ({ key: `${r.path} ${m.httpMethod}`, path: r.path, method: m.httpMethod })),
  );
  const [choice, setChoice] = useState(methods[0]?.key ?? "");
  const [throttle, setThrottle] = useState<ThrottleDraft>({ rate: "", burst: "" });
  const [caching, setCaching] = useState(false);
  const [ttl, setTtl] = useState("300");
  const save = useMutation(
    trpc.apis.v2.saveMethodSetting.mutationOptions({
      onSuccess: async (_, v) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        toast(
          v.remove
            ? `Override for ${v.httpMethod} ${v.resourcePath} removed`
            : `Override for ${v.httpMethod} ${v.resourcePath} saved`,
        );
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const all = (stage.methodSettings["*/*"] ?? {}) as Setting;
  const overrides = Object.entries(stage.methodSettings).filter(([k]) => k !== "*/*");
  const split = (key: string) => {
    const i = key.lastIndexOf("/");
    return { path: `/${key.slice(0, i).replace(/^\/+/, "")}`, method: key.slice(i + 1) };
  };
  const submit = (remove: boolean, path: string, method: string) =>
    (remove || throttleIsValid(throttle)) &&
    save.mutate({
      tenant,
      apiId: api.id,
      stageName: stage.stageName,
      resourcePath: path,
      httpMethod: method as "GET",
      remove,
      ...throttleNumbers(throttle),
      cachingEnabled: caching,
      cacheTtlInSeconds: Number(ttl),
    });
  const row = (label: React.ReactNode, s: Setting, actions?: React.ReactNode, testId?: string) => (
    <Tr data-testid={testId}>
      <Td className="font-mono text-xs">{label}</Td>
      <Td className="text-sm">{show(s.throttlingRateLimit)}</Td>
      <Td className="text-sm">{show(s.throttlingBurstLimit)}</Td>
      <Td className="text-sm">{s.cachingEnabled === true ? `on · ${show(s.cacheTtlInSeconds)} s` : "off"}</Td>
      <Td className="text-right whitespace-nowrap">{actions}</Td>
    </Tr>
  );
  return (
    <div className="space-y-3">
      <div>
        <div className="text-sm font-medium text-gray-800">Method settings</div>
        <p className="text-xs text-gray-500">
          An override replaces the stage-wide throttling and caching for one method.
        </p>
      </div>
      <Table aria-label={`Method settings of ${stage.stageName}`}>
        <THead>
          <tr>
            <Th>Method</Th>
            <Th>Rate (req/s)</Th>
            <Th>Burst</Th>
            <Th>Cache</Th>
            <Th className="w-24" />
          </tr>
        </THead>
        <TBody>
          {row(<span className="font-sans text-gray-600">All methods (stage default)</span>, all)}
          {overrides.map(([key, s]) => {
            const { path, method } = split(key);
            return row(
              `${method} ${path}`,
              s,
              canWrite && (
                <>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Edit the override of ${method} ${path}`}
                    onClick={() => {
                      setChoice(`${path} ${method}`);
                      setThrottle(
                        throttleDraftOf(
                          s.throttlingRateLimit as number | undefined,
                          s.throttlingBurstLimit as number | undefined,
                        ),
                      );
                      setCaching(s.cachingEnabled === true);
                      setTtl(String(s.cacheTtlInSeconds ?? 300));
                    }}
                  >
                    <Pencil className="h-4 w-4" aria-hidden />
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove the override of ${method} ${path}`}
                    onClick={() => submit(true, path, method)}
                  >
                    <Trash2 className="h-4 w-4" aria-hidden />
                  </Button>
                </>
              ),
              `method-setting-${method} ${path}`,
            );
          })}
        </TBody>
      </Table>
      {canWrite && methods.length > 0 && (
        <div className="flex flex-wrap items-end gap-3 rounded-md border border-dashed border-gray-300 p-3">
          <FormField label="Method" error={fe.httpMethod ?? fe.resourcePath}>
            <Select aria-label="Method to override" value={choice} onChange={(e) => setChoice(e.target.value)}>
              {methods.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.method} {m.path}
                </option>
              ))}
            </Select>
          </FormField>
          <ThrottleFields
            compact
            value={throttle}
            onChange={setThrottle}
            errors={{ rate: fe.throttlingRateLimit, burst: fe.throttlingBurstLimit }}
            labels={{ rate: "Rate (req/s)", burst: "Burst" }}
            ariaLabels={{ rate: "Override rate", burst: "Override burst" }}
          />
          <label className="flex items-center gap-2 pb-2 text-sm">
            <input
              type="checkbox"
              checked={caching}
              disabled={!stage.cacheClusterEnabled}
              onChange={(e) => setCaching(e.target.checked)}
            />
            Cache
          </label>
          <FormField label="TTL (s)" error={fe.cacheTtlInSeconds}>
            <Input
              className="w-20"
              inputMode="numeric"
              value={ttl}
              disabled={!stage.cacheClusterEnabled}
              onChange={(e) => setTtl(e.target.value)}
            />
          </FormField>
          <Button
            variant="secondary"
            loading={save.isPending}
            onClick={() => {
              const m = methods.find((x) => x.key === choice);
              if (m) submit(false, m.path, m.method);
            }}
          >
            Save override
          </Button>
        </div>
      )}
      {otherErrors(save.error, [
        "httpMethod",
        "resourcePath",
        "throttlingRateLimit",
        "throttlingBurstLimit",
        "cacheTtlInSeconds",
      ]) && (
        <Alert tone="danger">
          {otherErrors(save.error, [
            "httpMethod",
            "resourcePath",
            "throttlingRateLimit",
            "throttlingBurstLimit",
            "cacheTtlInSeconds",
          ])}
        </Alert>
      )}
    </div>
  );
}
