"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, FormField, Select, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { KvRows, type Row } from "./kv-rows";
import type { ApiDetail, MethodView } from "./types";

type Auth = "NONE" | "AWS_IAM" | "CUSTOM" | "COGNITO_USER_POOLS";

/** Method request: authorization, API key, request parameters and the request validator. */
export function MethodRequestForm({
  tenant,
  api,
  resourceId,
  method,
  canWrite,
}: {
  tenant: string;
  api: ApiDetail;
  resourceId: string;
  method: MethodView;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [auth, setAuth] = useState<Auth>(
    ["AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"].includes(method.authorizationType)
      ? (method.authorizationType as Auth)
      : "NONE",
  );
  const [authorizerId, setAuthorizerId] = useState(method.authorizerId ?? "");
  const [apiKeyRequired, setApiKeyRequired] = useState(method.apiKeyRequired);
  const [validatorId, setValidatorId] = useState(method.requestValidatorId ?? "");
  const [params, setParams] = useState<Row[]>(
    Object.entries(method.requestParameters ?? {}).map(([key, v]) => ({ key, value: v ? "required" : "optional" })),
  );
  const save = useMutation(
    trpc.apis.saveMethod.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        toast("Method request saved");
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const usable = api.authorizers.filter((a) => (auth === "COGNITO_USER_POOLS") === (a.type === "COGNITO_USER_POOLS"));
  const paramErr = Object.entries(fe).find(([k]) => k.startsWith("requestParameters"))?.[1];
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
          create: false,
          authorizationType: auth,
          authorizerId: auth === "CUSTOM" || auth === "COGNITO_USER_POOLS" ? authorizerId || null : null,
          apiKeyRequired,
          requestValidatorId: validatorId || null,
          requestParameters: Object.fromEntries(
            params.filter((p) => p.key.trim()).map((p) => [p.key.trim(), p.value !== "optional"]),
          ),
        });
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Authorization" error={fe.authorizationType}>
          <Select
            name="authorizationType"
            value={auth}
            disabled={!canWrite}
            onChange={(e) => setAuth(e.target.value as Auth)}
          >
            <option value="NONE">None (open)</option>
            <option value="AWS_IAM">AWS IAM (SigV4-signed with a team access key)</option>
            <option value="CUSTOM">Custom authorizer (a function)</option>
            <option value="COGNITO_USER_POOLS">Cognito user pool (a JWT from the pool)</option>
          </Select>
        </FormField>
        {(auth === "CUSTOM" || auth === "COGNITO_USER_POOLS") && (
          <FormField
            label="Authorizer"
            error={fe.authorizerId}
            hint={
              usable.length
                ? undefined
                : `This API has no ${auth === "CUSTOM" ? "function" : "Cognito user pool"} authorizers yet (create one in the Authorizers tab).`
            }
          >
            <Select
              name="authorizerId"
              value={authorizerId}
              disabled={!canWrite}
              onChange={(e) => setAuthorizerId(e.target.value)}
            >
              <option value="">Choose…</option>
              {usable.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.type})
                </option>
              ))}
            </Select>
          </FormField>
        )}
        <FormField label="Request validator" error={fe.requestValidatorId}>
          <Select
            name="requestValidatorId"
            value={validatorId}
            disabled={!canWrite}
            onChange={(e) => setValidatorId(e.target.value)}
          >
            <option value="">None</option>
            {api.validators.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <label className="flex items-center gap-2 text-sm text-gray-800">
        <input
          type="checkbox"
          name="apiKeyRequired"
          checked={apiKeyRequired}
          disabled={!canWrite}
          onChange={(e) => setApiKeyRequired(e.target.checked)}
        />
        API key required (callers send <code>x-api-key</code>; the key must be in a usage plan for the stage)
      </label>
      <FormField
        label="Request parameters"
        error={paramErr}
        hint="method.request.querystring.name, method.request.header.Name or method.request.path.name; “required” or “optional” (checked by a validator that validates parameters)."
      >
        <KvRows
          rows={params}
          onChange={setParams}
          keyLabel="Parameter"
          valueLabel="Required or optional"
          keyPlaceholder="method.request.querystring.page"
          valuePlaceholder="required"
          disabled={!canWrite}
          addLabel="Add parameter"
        />
      </FormField>
      {otherErrors(save.error, ["authorizationType", "authorizerId", "requestValidatorId", "requestParameters"]) && (
        <Alert tone="danger">
          {otherErrors(save.error, ["authorizationType", "authorizerId", "requestValidatorId", "requestParameters"])}
        </Alert>
      )}
      {canWrite && (
        <Button type="submit" loading={save.isPending}>
          Save method request
        </Button>
      )}
    </form>
  );
}
