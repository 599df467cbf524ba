"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Route as RouteIcon } from "lucide-react";
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
import { functionName, listOf, type HttpApiDetail, type HttpIntegration, type HttpRoute } from "./shared";

const METHODS = ["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** A one-line description of an integration (for route rows and pickers). */
export function integrationLabel(i: HttpIntegration | undefined | null): string {
  if (!i) return "—";
  if (i.integrationSubtype) {
    const p = i.requestParameters;
    const target = p.QueueUrl?.split("/").pop() ?? p.EventBusName ?? p.StateMachineArn?.split(":").pop();
    return target ? `${i.integrationSubtype} → ${target}` : i.integrationSubtype;
  }
  if (i.integrationType === "HTTP_PROXY") return `${i.integrationMethod ?? "ANY"} ${i.integrationUri ?? ""}`;
  return `Function ${functionName(i.integrationUri)}`;
}

const pathOf = (key: string) => (key === "$default" ? "$default" : (key.split(" ")[1] ?? key));

/** Routes grouped by path; each: method, integration, authorization; create, edit, delete. */
export function HttpRoutesPanel({ tenant, api, canWrite }: { tenant: string; api: HttpApiDetail; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const rows = useEditDelete<HttpRoute>();
  const del = useMutation(
    trpc.apis.v2.deleteRoute.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
        toast(`Route ${rows.deleting?.routeKey ?? ""} deleted`);
      },
    }),
  );
  const groups = new Map<string, HttpRoute[]>();
  for (const r of api.routes) groups.set(pathOf(r.routeKey), [...(groups.get(pathOf(r.routeKey)) ?? []), r]);
  return (
    <div className="space-y-4">
      <ResourceListCard
        title="Routes"
        description="The most specific route wins; a method route beats ANY; $default catches the rest."
        count={api.routes.length}
        create={canWrite && { label: "Create route", onClick: rows.create }}
        empty={{
          icon: <RouteIcon className="h-5 w-5" aria-hidden />,
          title: "No routes yet",
          description:
            "A route is a method and a path (GET /orders/{id}) or $default, which catches every request no other route matches. Attach an integration to it.",
        }}
      >
        <Table aria-label="Routes">
          <THead>
            <tr>
              <Th>Route</Th>
              <Th>Integration</Th>
              <Th>Authorization</Th>
              <Th className="w-24" />
            </tr>
          </THead>
          <TBody>
            {[...groups.entries()].map(([path, routes]) => [
              <tr key={`g-${path}`} className="bg-gray-50">
                <td colSpan={4} className="px-4 py-1.5 font-mono text-xs font-semibold text-gray-700">
                  {path}
                </td>
              </tr>,
              ...routes.map((r) => {
                const integration = api.integrations.find((i) => r.target === `integrations/${i.integrationId}`);
                const authorizer = api.authorizers.find((a) => a.authorizerId === r.authorizerId);
                return (
                  <Tr key={r.routeId} data-testid={`route-${r.routeKey}`}>
                    <Td className="font-mono text-sm">
                      {r.routeKey === "$default" ? (
                        <Badge tone="neutral">$default</Badge>
                      ) : (
                        <>
                          <span className="mr-2 inline-block w-16 font-semibold text-accent-700">
                            {r.routeKey.split(" ")[0]}
                          </span>
                          {r.routeKey.split(" ")[1]}
                        </>
                      )}
                      {r.managed && (
                        <Badge tone="info" className="ml-2">
                          quick create
                        </Badge>
                      )}
                    </Td>
                    <Td className="max-w-xs truncate text-sm text-gray-700">
                      {integration ? (
                        integrationLabel(integration)
                      ) : (
                        <span className="text-amber-700">No integration: answers 404</span>
                      )}
                    </Td>
                    <Td className="text-sm text-gray-700">
                      {r.authorizationType === "NONE"
                        ? "None"
                        : `${r.authorizationType}${authorizer ? ` · ${authorizer.name}` : ""}`}
                      {r.authorizationScopes.length > 0 && (
                        <div className="text-xs text-gray-500">scopes: {r.authorizationScopes.join(", ")}</div>
                      )}
                    </Td>
                    <RowActions name={r.routeKey} canWrite={canWrite} {...rows.actionsFor(r)} />
                  </Tr>
                );
              }),
            ])}
          </TBody>
        </Table>
      </ResourceListCard>
      {rows.editor((route, close) => (
        <RouteDialog tenant={tenant} api={api} route={route} onClose={close} />
      ))}
      <DeleteConfirm
        item={rows.deleting}
        onClose={rows.closeDelete}
        mutation={del}
        variables={(r) => ({ tenant, apiId: api.id, routeId: r.routeId })}
        title={(r) => `Delete route ${r.routeKey}?`}
        confirmLabel="Delete route"
      >
        Requests it matched go to the next best route (or answer 404). Its integration stays.
      </DeleteConfirm>
    </div>
  );
}

function RouteDialog({
  tenant,
  api,
  route,
  onClose,
}: {
  tenant: string;
  api: HttpApiDetail;
  route: HttpRoute | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const isDefault = route?.routeKey === "$default";
  const [method, setMethod] = useState(isDefault ? "$default" : (route?.routeKey.split(" ")[0] ?? "GET"));
  const [path, setPath] = useState(isDefault ? "/" : (route?.routeKey.split(" ")[1] ?? "/"));
  const [target, setTarget] = useState(route?.target ?? "");
  const [authType, setAuthType] = useState(route?.authorizationType ?? "NONE");
  const [authorizerId, setAuthorizerId] = useState(route?.authorizerId ?? "");
  const [scopes, setScopes] = useState(route?.authorizationScopes.join(", ") ?? "");
  const save = useMutation(
    trpc.apis.v2.saveRoute.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() });
        toast(route ? `Route ${String(r.routeKey)} saved` : `Route ${String(r.routeKey)} created`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const authorizers = api.authorizers.filter((a) =>
    authType === "JWT" ? a.authorizerType === "JWT" : a.authorizerType === "REQUEST",
  );
  const shown = ["routeKey", "target", "authorizationType", "authorizerId", "authorizationScopes"];
  return (
    <Dialog
      open
      onClose={onClose}
      title={route ? `Edit route ${route.routeKey}` : "Create route"}
      description="Path parameters are {name}; a greedy one ({proxy+}) matches the rest of the path."
      footer={
        <FormDialogFooter
          formId="route-form"
          submitLabel={route ? "Save route" : "Create route"}
          onCancel={onClose}
          loading={save.isPending}
        />
      }
    >
      <form
        id="route-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({
            tenant,
            apiId: api.id,
            routeId: route?.routeId,
            routeKey: method === "$default" ? "$default" : `${method} ${path.trim()}`,
            target: target || null,
            authorizationType: authType as "NONE" | "JWT" | "CUSTOM" | "AWS_IAM",
            authorizerId: authType === "JWT" || authType === "CUSTOM" ? authorizerId || null : null,
            authorizationScopes: authType === "JWT" ? listOf(scopes) : [],
          });
        }}
      >
        <div className="flex gap-2">
          <FormField label="Method" className="w-36">
            <Select name="method" value={method} onChange={(e) => setMethod(e.target.value)}>
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
              <option value="$default">$default</option>
            </Select>
          </FormField>
          {method !== "$default" && (
            <FormField label="Path" error={fe.routeKey} className="flex-1">
              <Input
                name="path"
                className="font-mono"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="/orders/{id}"
                data-autofocus
              />
            </FormField>
          )}
        </div>
        {method === "$default" && fe.routeKey && <p className="text-sm text-red-600">{fe.routeKey[0]}</p>}
        <FormField label="Integration" error={fe.target} hint="Add integrations on the Integrations tab.">
          <Select name="target" value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">None (the route answers 404)</option>
            {api.integrations.map((i) => (
              <option key={i.integrationId} value={`integrations/${i.integrationId}`}>
                {integrationLabel(i)} ({i.integrationId})
              </option>
            ))}
          </Select>
        </FormField>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Authorization" error={fe.authorizationType}>
            <Select name="authorizationType" value={authType} onChange={(e) => setAuthType(e.target.value)}>
              <option value="NONE">None</option>
              <option value="JWT">JWT</option>
              <option value="CUSTOM">Lambda (REQUEST authorizer)</option>
              <option value="AWS_IAM">IAM (SigV4 with a Signalbox key)</option>
            </Select>
          </FormField>
          {(authType === "JWT" || authType === "CUSTOM") && (
            <FormField label="Authorizer" error={fe.authorizerId}>
              <Select name="authorizerId" value={authorizerId} onChange={(e) => setAuthorizerId(e.target.value)}>
                <option value="">Choose…</option>
                {authorizers.map((a) => (
                  <option key={a.authorizerId} value={a.authorizerId}>
                    {a.name}
                  </option>
                ))}
              </Select>
            </FormField>
          )}
        </div>
        {authType === "JWT" && (
          <FormField
            label="Authorization scopes (optional)"
            error={fe.authorizationScopes}
            hint="Comma-separated; the token's scope or scp claim must hold one of them."
          >
            <Input name="scopes" value={scopes} onChange={(e) => setScopes(e.target.value)} />
          </FormField>
        )}
        {otherErrors(save.error, shown) && <Alert tone="danger">{otherErrors(save.error, shown)}</Alert>}
      </form>
    </Dialog>
  );
}
