"use client";
import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { Play } from "lucide-react";
import { Alert, Badge, Button, FormField, Input, Textarea, errorMessageOf } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { KvRows, mapOf, type Row } from "./kv-rows";
import type { ApiDetail, MethodView } from "./types";

/** "Test": TestInvokeMethod on the current (undeployed) definition, with the full trace. */
export function TestPanel({
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
  const [path, setPath] = useState(resourcePath.replace(/\{[^}]+\}/g, "1"));
  const [headers, setHeaders] = useState<Row[]>([{ key: "Content-Type", value: "application/json" }]);
  const [vars, setVars] = useState<Row[]>([]);
  const [body, setBody] = useState(
    ["GET", "HEAD", "DELETE", "OPTIONS"].includes(method.httpMethod) ? "" : '{\n  "order": {"id": 42}\n}',
  );
  const run = useMutation(trpc.apis.testInvoke.mutationOptions());
  const r = run.data;
  if (!canWrite)
    return <p className="text-sm text-gray-500">Testing a method runs its integration: members and owners can.</p>;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate({
            tenant,
            apiId: api.id,
            resourceId,
            httpMethod: method.httpMethod as "GET",
            pathWithQueryString: path,
            headers: mapOf(headers),
            body,
            stageVariables: mapOf(vars),
          });
        }}
      >
        <FormField label="Path and query string" hint="Path parameters filled in, e.g. /orders/7?verbose=true">
          <Input name="path" className="font-mono text-xs" value={path} onChange={(e) => setPath(e.target.value)} />
        </FormField>
        <FormField label="Headers">
          <KvRows rows={headers} onChange={setHeaders} keyLabel="Header" valueLabel="Value" addLabel="Add header" />
        </FormField>
        <FormField label="Stage variables">
          <KvRows rows={vars} onChange={setVars} keyLabel="Variable" valueLabel="Value" addLabel="Add variable" />
        </FormField>
        <FormField label="Request body">
          <Textarea name="body" rows={5} className="text-xs" value={body} onChange={(e) => setBody(e.target.value)} />
        </FormField>
        <Button type="submit" loading={run.isPending}>
          <Play className="h-4 w-4" aria-hidden />
          Test
        </Button>
        {run.error && <Alert tone="danger">{errorMessageOf(run.error, { includeFieldErrors: true })}</Alert>}
      </form>
      <div className="min-w-0 space-y-3" data-testid="test-result">
        {!r ? (
          <p className="text-sm text-gray-500">
            Runs the method on the API as it is now (no need to deploy), without authorization or API keys, and shows
            what happened.
          </p>
        ) : (
          <>
            <div className="flex flex-wrap items-center gap-3 text-sm">
              <Badge tone={r.status < 300 ? "success" : r.status < 500 ? "warning" : "danger"} dot>
                Status {r.status}
              </Badge>
              <span className="text-gray-600">Latency {r.latency} ms</span>
            </div>
            <Trace title="Integration request body" note={r.integrationRequest.note} text={r.integrationRequest.body} />
            <Trace title="Response body" text={r.body || "(empty)"} testId="test-response-body" />
            <Trace
              title="Response headers"
              text={Object.entries(r.headers)
                .map(([k, v]) => `${k}: ${v}`)
                .join("\n")}
            />
            <Trace title="Log" text={r.log} />
          </>
        )}
      </div>
    </div>
  );
}

function Trace({ title, text, note, testId }: { title: string; text: string | null; note?: string; testId?: string }) {
  return (
    <section>
      <h4 className="text-xs font-semibold tracking-wide text-gray-500 uppercase">{title}</h4>
      {note && <p className="text-xs text-gray-500">{note}</p>}
      {text !== null && (
        <pre
          data-testid={testId}
          className="mt-1 max-h-64 overflow-auto rounded-md border border-gray-200 bg-gray-50 p-2 text-xs break-all whitespace-pre-wrap text-gray-800"
        >
          {text}
        </pre>
      )}
    </section>
  );
}
