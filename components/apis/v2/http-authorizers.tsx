"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import {
  Alert,
  Badge,
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
import { useTRPC } from "@/lib/trpc";
import { functionName, listOf, type HttpApiDetail, type HttpAuthorizer } from "./shared";

/** Authorizers: JWT (issuer, audiences, identity source) and Lambda REQUEST authorizers. */
export function HttpAuthorizersPanel({
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
  const rows = useEditDelete<HttpAuthorizer>();
  const del = useMutation(
    trpc.apis.v2.deleteAuthorizer.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
        toast("Authorizer deleted");
      },
    }),
  );
  return (
    <div className="space-y-4">
      <ResourceListCard
        title="Authorizers"
        count={api.authorizers.length}
        create={canWrite && { label: "Create authorizer", onClick: rows.create }}
        empty={{
          icon: <KeyRound className="h-5 w-5" aria-hidden />,
          title: "No authorizers",
          description:
            "A JWT authorizer checks a bearer token's signature (the issuer's JWKS), issuer, audience and expiry; a Lambda authorizer asks one of your functions. Attach one to a route.",
        }}
      >
        <Table aria-label="Authorizers">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Type</Th>
              <Th>Settings</Th>
              <Th className="hidden md:table-cell">Routes</Th>
              <Th className="w-24" />
            </tr>
          </THead>
          <TBody>
            {api.authorizers.map((a) => (
              <Tr key={a.authorizerId}>
                <Td>
                  <div className="font-medium text-gray-900">{a.name}</div>
                  <div className="font-mono text-xs text-gray-500">{a.authorizerId}</div>
                </Td>
                <Td>
                  <Badge tone={a.authorizerType === "JWT" ? "accent" : "info"}>
                    {a.authorizerType === "JWT" ? "JWT" : "Lambda"}
                  </Badge>
                </Td>
                <Td className="text-xs text-gray-700">
                  {a.authorizerType === "JWT" ? (
                    <>
                      <div>issuer {a.issuer}</div>
                      <div>audience {a.audience.join(", ")}</div>
                    </>
                  ) : (
                    <>
                      <div>function {functionName(a.authorizerUri)}</div>
                      <div>
                        payload {a.authorizerPayloadFormatVersion}
                        {a.enableSimpleResponses ? " · simple responses" : ""} · cache {a.authorizerResultTtlInSeconds}{" "}
                        s
                      </div>
                    </>
                  )}
                  <div className="font-mono text-gray-500">{a.identitySource.join(", ")}</div>
                </Td>
                <Td className="hidden font-mono text-xs text-gray-700 md:table-cell">
                  {api.routes
                    .filter((r) => r.authorizerId === a.authorizerId)
                    .map((r) => r.routeKey)
                    .join(", ") || "—"}
                </Td>
                <RowActions name={a.name} canWrite={canWrite} {...rows.actionsFor(a)} />
              </Tr>
            ))}
          </TBody>
        </Table>
      </ResourceListCard>
      {rows.editor((authorizer, close) => (
        <AuthorizerDialog tenant={tenant} api={api} authorizer={authorizer} onClose={close} />
      ))}
      <DeleteConfirm
        item={rows.deleting}
        onClose={rows.closeDelete}
        mutation={del}
        variables={(a) => ({ tenant, apiId: api.id, authorizerId: a.authorizerId })}
        title={(a) => `Delete authorizer ${a.name}?`}
        confirmLabel="Delete authorizer"
      >
        An authorizer a route still uses cannot be deleted.
      </DeleteConfirm>
    </div>
  );
}

function AuthorizerDialog({
  tenant,
  api,
  authorizer,
  onClose,
}: {
  tenant: string;
  api: HttpApiDetail;
  authorizer: HttpAuthorizer | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [type, setType] = useState<"JWT" | "REQUEST">(authorizer?.authorizerType ?? "JWT");
  const [name, setName] = useState(authorizer?.name ?? "");
  const [identity, setIdentity] = useState(authorizer?.identitySource.join(", ") ?? "$request.header.Authorization");
  const [issuer, setIssuer] = useState(authorizer?.issuer ?? "");
  const [audience, setAudience] = useState(authorizer?.audience.join(", ") ?? "");
  const [fn, setFn] = useState(authorizer?.authorizerUri ?? "");
  const [pfv, setPfv] = useState<"1.0" | "2.0">(authorizer?.authorizerPayloadFormatVersion === "1.0" ? "1.0" : "2.0");
  const [ttl, setTtl] = useState(String(authorizer?.authorizerResultTtlInSeconds ?? 0));
  const [simple, setSimple] = useState(authorizer?.enableSimpleResponses ?? true);
  const functions = useQuery({
    ...trpc.function.list.queryOptions({ tenant, marker: null }),
    enabled: type === "REQUEST",
  });
  const save = useMutation(
    trpc.apis.v2.saveAuthorizer.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
        toast(authorizer ? `Authorizer ${name} saved` : `Authorizer ${name} created`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const shown = [
    "name",
    "identitySource",
    "issuer",
    "audience",
    "authorizerUri",
    "authorizerPayloadFormatVersion",
    "authorizerResultTtlInSeconds",
    "enableSimpleResponses",
  ];
  return (
    <Dialog
      open
      onClose={onClose}
      title={authorizer ? `Edit authorizer ${authorizer.name}` : "Create authorizer"}
      footer={
        <FormDialogFooter
          formId="authorizer-form"
          submitLabel={authorizer ? "Save authorizer" : "Create authorizer"}
          onCancel={onClose}
          loading={save.isPending}
        />
      }
    >
      <form
        id="authorizer-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({
            tenant,
            apiId: api.id,
            authorizerId: authorizer?.authorizerId,
            name: name.trim(),
            authorizerType: type,
            identitySource: listOf(identity),
            ...(type === "JWT"
              ? { issuer: issuer.trim(), audience: listOf(audience) }
              : {
                  authorizerUri: fn,
                  authorizerPayloadFormatVersion: pfv,
                  authorizerResultTtlInSeconds: Number(ttl),
                  enableSimpleResponses: simple,
                }),
          });
        }}
      >
        {!authorizer && (
          <SegmentedControl<"JWT" | "REQUEST">
            label="Type"
            options={[
              { value: "JWT", label: "JWT" },
              { value: "REQUEST", label: "Lambda" },
            ]}
            value={type}
            onChange={setType}
          />
        )}
        <FormField label="Name" error={fe.name}>
          <Input name="name" value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
        </FormField>
        <FormField
          label="Identity source"
          error={fe.identitySource}
          hint={
            type === "JWT"
              ? "Where the token is: one of $request.header.Authorization, $request.querystring.token."
              : "Comma-separated; requests missing one are refused (401) without calling the function."
          }
        >
          <Input
            name="identitySource"
            className="font-mono"
            value={identity}
            onChange={(e) => setIdentity(e.target.value)}
          />
        </FormField>
        {type === "JWT" ? (
          <>
            <FormField
              label="Issuer URL"
              error={fe.issuer}
              hint="Its /.well-known/openid-configuration gives the keys."
            >
              <Input
                name="issuer"
                value={issuer}
                onChange={(e) => setIssuer(e.target.value)}
                placeholder="https://auth.example.com/"
              />
            </FormField>
            <FormField label="Audiences" error={fe.audience} hint="Comma-separated; the token's aud must match one.">
              <Input name="audience" value={audience} onChange={(e) => setAudience(e.target.value)} />
            </FormField>
          </>
        ) : (
          <>
            <FormField label="Function" error={fe.authorizerUri}>
              <Select name="authorizerUri" value={fn} onChange={(e) => setFn(e.target.value)}>
                <option value="">Choose a function…</option>
                {(functions.data?.functions ?? []).map((f) => (
                  <option key={f.arn} value={f.arn}>
                    {f.name}
                  </option>
                ))}
                {fn && !(functions.data?.functions ?? []).some((f) => f.arn === fn) && (
                  <option value={fn}>{functionName(fn)}</option>
                )}
              </Select>
            </FormField>
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField label="Payload format" error={fe.authorizerPayloadFormatVersion}>
                <Select
                  name="authorizerPayloadFormatVersion"
                  value={pfv}
                  onChange={(e) => setPfv(e.target.value as "1.0")}
                >
                  <option value="2.0">2.0</option>
                  <option value="1.0">1.0</option>
                </Select>
              </FormField>
              <FormField label="Result cache (s)" error={fe.authorizerResultTtlInSeconds} hint="0 to 3600; 0: off.">
                <Input
                  name="authorizerResultTtlInSeconds"
                  inputMode="numeric"
                  value={ttl}
                  onChange={(e) => setTtl(e.target.value)}
                />
              </FormField>
            </div>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={simple} onChange={(e) => setSimple(e.target.checked)} />
              Simple responses (the function answers {"{ isAuthorized: true }"}; payload 2.0 only)
            </label>
            {fe.enableSimpleResponses && <p className="text-sm text-red-600">{fe.enableSimpleResponses[0]}</p>}
          </>
        )}
        {otherErrors(save.error, shown) && <Alert tone="danger">{otherErrors(save.error, shown)}</Alert>}
      </form>
    </Dialog>
  );
}
