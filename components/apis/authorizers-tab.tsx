"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import {
  Alert,
  Badge,
  DeleteConfirm,
  FieldError,
  FormDialog,
  FormField,
  Input,
  Label,
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
import { functionName, listOf } from "./v2/shared";
import type { ApiDetail } from "./types";

// A REST API's authorizers: Lambda authorizers (TOKEN: one header; REQUEST: headers, query string,
// stage variables or context) and Cognito user pool authorizers, listed, created, edited and
// deleted. Methods pick them in the method editor (Authorization: Custom / Cognito user pool).

type AuthorizerView = ApiDetail["authorizers"][number];
type Kind = AuthorizerView["type"];

const KINDS: { value: Kind; label: string }[] = [
  { value: "TOKEN", label: "Lambda (token)" },
  { value: "REQUEST", label: "Lambda (request)" },
  { value: "COGNITO_USER_POOLS", label: "Cognito user pool" },
];
const kindLabel = (k: Kind) => KINDS.find((x) => x.value === k)?.label ?? k;

export function AuthorizersTab({ tenant, api, canWrite }: { tenant: string; api: ApiDetail; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const rows = useEditDelete<AuthorizerView>();
  const del = useMutation(
    trpc.apis.deleteAuthorizer.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        toast(`Authorizer ${rows.deleting?.name ?? ""} deleted`);
      },
    }),
  );
  const usedBy = (id: string) =>
    api.resources.flatMap((r) =>
      r.methods.filter((m) => m.authorizerId === id).map((m) => `${m.httpMethod} ${r.path}`),
    );
  return (
    <div className="space-y-4">
      <ResourceListCard
        title="Authorizers"
        description="Check a caller before a method runs. Pick one on a method under Resources → Method request → Authorization."
        count={api.authorizers.length}
        create={canWrite && { label: "Create authorizer", onClick: rows.create }}
        empty={{
          icon: <KeyRound className="h-5 w-5" aria-hidden />,
          title: "No authorizers",
          description:
            "A Lambda authorizer asks one of your functions for an IAM policy (from a token header, or from headers and query parameters); a Cognito user pool authorizer checks the pool's ID or access token.",
        }}
      >
        <Table aria-label="Authorizers">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th>Type</Th>
              <Th>Identity source</Th>
              <Th>Caching</Th>
              <Th>Used by</Th>
              <Th className="w-24" />
            </tr>
          </THead>
          <TBody>
            {api.authorizers.map((a) => {
              const users = usedBy(a.id);
              return (
                <Tr key={a.id} data-testid={`authorizer-${a.name}`}>
                  <Td>
                    <div className="text-sm font-medium text-gray-900">{a.name}</div>
                    <div className="font-mono text-xs text-gray-500">{a.id}</div>
                  </Td>
                  <Td>
                    <Badge tone={a.type === "COGNITO_USER_POOLS" ? "info" : "accent"}>{kindLabel(a.type)}</Badge>
                    <div className="mt-1 max-w-xs truncate text-xs text-gray-500">
                      {a.type === "COGNITO_USER_POOLS"
                        ? a.providerArns.map((p) => p.split("/").pop()).join(", ")
                        : `Function ${functionName(a.functionArn)}`}
                    </div>
                  </Td>
                  <Td className="max-w-xs truncate font-mono text-xs text-gray-700">{a.identitySource || "—"}</Td>
                  <Td className="text-sm whitespace-nowrap text-gray-700">
                    {a.authorizerResultTtlInSeconds ? `${a.authorizerResultTtlInSeconds} s` : "off"}
                  </Td>
                  <Td className="text-xs text-gray-700">
                    {users.length ? users.map((u) => <div key={u}>{u}</div>) : <span className="text-gray-400">—</span>}
                  </Td>
                  <RowActions name={a.name} canWrite={canWrite} {...rows.actionsFor(a)} />
                </Tr>
              );
            })}
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
        variables={(a) => ({ tenant, apiId: api.id, authorizerId: a.id })}
        title={(a) => `Delete authorizer ${a.name}?`}
        confirmLabel="Delete authorizer"
      >
        Methods must stop using it first. Deployed stages keep their snapshot until the next deploy.
      </DeleteConfirm>
    </div>
  );
}

const DEFAULT_SOURCE: Record<Kind, string> = {
  TOKEN: "method.request.header.Authorization",
  REQUEST: "method.request.header.Authorization",
  COGNITO_USER_POOLS: "method.request.header.Authorization",
};

function AuthorizerDialog({
  tenant,
  api,
  authorizer,
  onClose,
}: {
  tenant: string;
  api: ApiDetail;
  authorizer: AuthorizerView | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(authorizer?.name ?? "");
  const [kind, setKind] = useState<Kind>(authorizer?.type ?? "TOKEN");
  const [fn, setFn] = useState(authorizer?.functionArn ?? "");
  const [pools, setPools] = useState(authorizer?.providerArns.join(", ") ?? "");
  const [source, setSource] = useState(authorizer?.identitySource ?? DEFAULT_SOURCE.TOKEN);
  const [validation, setValidation] = useState(authorizer?.identityValidationExpression ?? "");
  const [ttl, setTtl] = useState(String(authorizer?.authorizerResultTtlInSeconds ?? 300));
  const lambda = kind !== "COGNITO_USER_POOLS";
  const functions = useQuery({ ...trpc.function.list.queryOptions({ tenant, marker: null }), enabled: lambda });
  const save = useMutation(
    trpc.apis.saveAuthorizer.mutationOptions({
      onSuccess: async (a) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        toast(authorizer ? `Authorizer ${a.name} saved` : `Authorizer ${a.name} created`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const ttlNumber = ttl.trim() === "" ? Number.NaN : Number(ttl);
  const shown = [
    "name",
    "type",
    "functionArn",
    "providerArns",
    "identitySource",
    "identityValidationExpression",
    "authorizerResultTtlInSeconds",
  ];
  return (
    <FormDialog
      formId="rest-authorizer-form"
      title={authorizer ? `Edit authorizer ${authorizer.name}` : "Create authorizer"}
      submitLabel={authorizer ? "Save authorizer" : "Create authorizer"}
      loading={save.isPending}
      onClose={onClose}
      onSubmit={() =>
        save.mutate({
          tenant,
          apiId: api.id,
          authorizerId: authorizer?.id,
          name: name.trim(),
          type: kind,
          functionArn: lambda && fn ? fn : undefined,
          providerArns: lambda ? undefined : listOf(pools),
          identitySource: source.trim(),
          identityValidationExpression: kind === "REQUEST" ? "" : validation,
          authorizerResultTtlInSeconds: ttlNumber,
        })
      }
    >
      <FormField label="Name" error={fe.name}>
        <Input name="name" value={name} onChange={(e) => setName(e.target.value)} data-autofocus />
      </FormField>
      <div className="space-y-1.5">
        <Label>Type</Label>
        <SegmentedControl
          label="Authorizer type"
          value={kind}
          onChange={(k) => {
            setKind(k as Kind);
            if (!authorizer && source === DEFAULT_SOURCE[kind]) setSource(DEFAULT_SOURCE[k as Kind]);
          }}
          options={KINDS}
        />
        <FieldError messages={fe.type} />
      </div>
      {lambda ? (
        <FormField
          label="Function"
          error={fe.functionArn}
          hint={
            kind === "TOKEN"
              ? "Gets {type: TOKEN, authorizationToken, methodArn}; returns a principalId and an IAM policy."
              : "Gets the request's headers, query string, path and stage variables; returns a principalId and an IAM policy."
          }
        >
          <Select name="functionArn" value={fn} onChange={(e) => setFn(e.target.value)}>
            <option value="">Choose a function…</option>
            {fn && !(functions.data?.functions ?? []).some((f) => f.arn === fn) && (
              <option value={fn}>{functionName(fn)}</option>
            )}
            {(functions.data?.functions ?? []).map((f) => (
              <option key={f.arn} value={f.arn}>
                {f.name}
              </option>
            ))}
          </Select>
        </FormField>
      ) : (
        <FormField
          label="User pool ARNs"
          error={fe.providerArns}
          hint="Comma-separated, e.g. arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC."
        >
          <Input name="providerArns" className="font-mono" value={pools} onChange={(e) => setPools(e.target.value)} />
        </FormField>
      )}
      <FormField
        label={kind === "REQUEST" ? "Identity sources" : "Token source"}
        error={fe.identitySource}
        hint={
          kind === "REQUEST"
            ? "Comma-separated: method.request.header.X, method.request.querystring.y, stageVariables.z, context.w. Empty: no caching key, no 401 for a missing one."
            : "The header that carries the token: method.request.header.<name>."
        }
      >
        <Input name="identitySource" className="font-mono" value={source} onChange={(e) => setSource(e.target.value)} />
      </FormField>
      {kind !== "REQUEST" && (
        <FormField
          label="Token validation (regular expression)"
          error={fe.identityValidationExpression}
          hint="Optional: a token that does not match is refused with 401 before the authorizer runs."
        >
          <Input
            name="identityValidationExpression"
            className="font-mono"
            value={validation}
            placeholder="^Bearer [-0-9a-zA-Z._]+$"
            onChange={(e) => setValidation(e.target.value)}
          />
        </FormField>
      )}
      <FormField
        label="Result caching (TTL, seconds)"
        error={fe.authorizerResultTtlInSeconds}
        hint="0 turns caching off; at most 3,600. Cached by the identity source's value."
        className="max-w-xs"
      >
        <Input name="ttl" inputMode="numeric" value={ttl} onChange={(e) => setTtl(e.target.value)} />
      </FormField>
      {otherErrors(save.error, shown) && <Alert tone="danger">{otherErrors(save.error, shown)}</Alert>}
    </FormDialog>
  );
}
