"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  ConfirmDialog,
  FormField,
  Input,
  Select,
  Tabs,
  cn,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { IntegrationForm } from "./integration-form";
import { MethodRequestForm } from "./method-request-form";
import { TestPanel } from "./test-panel";
import type { ApiDetail, ResourceView } from "./types";

const VERBS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;
type Verb = (typeof VERBS)[number];
type Selection = { resourceId: string; method?: string };

const depth = (path: string) => (path === "/" ? 0 : path.split("/").length - 1);

/** The resource tree on the left; the selected resource (add child, add method) or method editor on the right. */
export function ResourcesTab({ tenant, api, canWrite }: { tenant: string; api: ApiDetail; canWrite: boolean }) {
  const [sel, setSel] = useState<Selection>({ resourceId: api.rootResourceId });
  const resource = api.resources.find((r) => r.id === sel.resourceId) ?? api.resources[0];
  const method = sel.method ? resource.methods.find((m) => m.httpMethod === sel.method) : undefined;
  return (
    <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
      <nav aria-label="Resources" className="rounded-lg border border-gray-200 bg-white p-2">
        <ul className="space-y-0.5">
          {api.resources.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className={cn(
                  "w-full truncate rounded px-2 py-1 text-left font-mono text-xs",
                  r.id === resource.id && !method ? "bg-accent-50 text-accent-800" : "text-gray-800 hover:bg-gray-50",
                )}
                style={{ paddingLeft: `${0.5 + depth(r.path) * 0.9}rem` }}
                onClick={() => setSel({ resourceId: r.id })}
                data-testid={`resource-${r.path}`}
              >
                {r.path === "/" ? "/" : `/${r.pathPart}`}
              </button>
              {r.methods.map((m) => (
                <button
                  key={m.httpMethod}
                  type="button"
                  className={cn(
                    "block w-full rounded py-0.5 text-left text-xs font-semibold",
                    r.id === resource.id && method?.httpMethod === m.httpMethod
                      ? "bg-accent-50 text-accent-800"
                      : "text-gray-600 hover:bg-gray-50",
                  )}
                  style={{ paddingLeft: `${1.4 + depth(r.path) * 0.9}rem` }}
                  onClick={() => setSel({ resourceId: r.id, method: m.httpMethod })}
                  data-testid={`method-${r.path}-${m.httpMethod}`}
                >
                  {m.httpMethod}
                  {!m.methodIntegration && <span className="ml-1 font-normal text-amber-700">(no integration)</span>}
                </button>
              ))}
            </li>
          ))}
        </ul>
      </nav>
      <div className="min-w-0">
        {method ? (
          <MethodPanel
            key={`${resource.id}/${method.httpMethod}`}
            tenant={tenant}
            api={api}
            resource={resource}
            httpMethod={method.httpMethod}
            canWrite={canWrite}
            onDeleted={() => setSel({ resourceId: resource.id })}
          />
        ) : (
          <ResourcePanel
            key={resource.id}
            tenant={tenant}
            api={api}
            resource={resource}
            canWrite={canWrite}
            onSelect={setSel}
          />
        )}
      </div>
    </div>
  );
}

function ResourcePanel({
  tenant,
  api,
  resource,
  canWrite,
  onSelect,
}: {
  tenant: string;
  api: ApiDetail;
  resource: ResourceView;
  canWrite: boolean;
  onSelect: (s: Selection) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [pathPart, setPathPart] = useState("");
  const [verb, setVerb] = useState<Verb>("GET");
  const [deleting, setDeleting] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
  const add = useMutation(
    trpc.apis.addResource.mutationOptions({
      onSuccess: async (r) => {
        await refresh();
        setPathPart("");
        toast("Resource created");
        onSelect({ resourceId: String((r as { id: string }).id) });
      },
    }),
  );
  const addMethod = useMutation(
    trpc.apis.saveMethod.mutationOptions({
      onSuccess: async (_, input) => {
        await refresh();
        onSelect({ resourceId: resource.id, method: input.httpMethod });
      },
    }),
  );
  const del = useMutation(
    trpc.apis.deleteResource.mutationOptions({
      onSuccess: async () => (await refresh(), onSelect({ resourceId: api.rootResourceId }), toast("Resource deleted")),
    }),
  );
  const fe = fieldErrorsOf(add.error);
  const me = fieldErrorsOf(addMethod.error);
  const free = VERBS.filter((v) => !resource.methods.some((m) => m.httpMethod === v));
  const greedy = resource.pathPart.endsWith("+}");
  return (
    <Card>
      <CardHeader
        title={<span className="font-mono">{resource.path}</span>}
        description={`Resource ${resource.id} · ${resource.methods.length} method(s)`}
        actions={
          canWrite &&
          resource.path !== "/" && (
            <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(true)}>
              <Trash2 className="h-4 w-4" aria-hidden />
              Delete resource
            </Button>
          )
        }
      />
      <CardBody className="space-y-6">
        {!canWrite && <p className="text-sm text-gray-500">Choose a method on the left to see its setup.</p>}
        {canWrite && (
          <form
            className="space-y-2"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              addMethod.mutate({
                tenant,
                apiId: api.id,
                resourceId: resource.id,
                httpMethod: verb,
                create: true,
                authorizationType: "NONE",
                apiKeyRequired: false,
                requestParameters: {},
              });
            }}
          >
            <h3 className="text-sm font-medium text-gray-800">Create method</h3>
            <div className="flex flex-wrap items-start gap-2">
              <Select
                aria-label="HTTP method"
                name="httpMethod"
                className="w-36"
                value={free.includes(verb) ? verb : (free[0] ?? "")}
                onChange={(e) => setVerb(e.target.value as Verb)}
                invalid={!!me.httpMethod}
              >
                {free.map((v) => (
                  <option key={v} value={v}>
                    {v === "ANY" ? "ANY (every method)" : v}
                  </option>
                ))}
              </Select>
              <Button type="submit" variant="secondary" loading={addMethod.isPending} disabled={!free.length}>
                <Plus className="h-4 w-4" aria-hidden />
                Create method
              </Button>
            </div>
            {me.httpMethod && <p className="text-xs text-red-700">{me.httpMethod[0]}</p>}
            {otherErrors(addMethod.error, ["httpMethod"]) && (
              <Alert tone="danger">{otherErrors(addMethod.error, ["httpMethod"])}</Alert>
            )}
          </form>
        )}
        {canWrite && !greedy && (
          <form
            className="space-y-2"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              add.mutate({ tenant, apiId: api.id, parentId: resource.id, pathPart: pathPart.trim() });
            }}
          >
            <h3 className="text-sm font-medium text-gray-800">Create child resource</h3>
            <div className="flex flex-wrap items-end gap-2">
              <div className="min-w-0 flex-1">
                <FormField
                  label={`Path part under ${resource.path}`}
                  error={fe.pathPart}
                  hint="A name (orders), a parameter ({id}) or a greedy parameter ({proxy+}) that takes the rest of the path."
                >
                  <Input
                    name="pathPart"
                    className="font-mono"
                    value={pathPart}
                    placeholder="orders"
                    onChange={(e) => setPathPart(e.target.value)}
                    autoComplete="off"
                  />
                </FormField>
              </div>
            </div>
            <Button type="submit" variant="secondary" loading={add.isPending}>
              <Plus className="h-4 w-4" aria-hidden />
              Create resource
            </Button>
            {otherErrors(add.error, ["pathPart"]) && (
              <Alert tone="danger">{otherErrors(add.error, ["pathPart"])}</Alert>
            )}
          </form>
        )}
        {resource.methods.length > 0 && (
          <div className="flex flex-wrap gap-2">
            {resource.methods.map((m) => (
              <button
                key={m.httpMethod}
                type="button"
                onClick={() => onSelect({ resourceId: resource.id, method: m.httpMethod })}
              >
                <Badge tone="accent">
                  {m.httpMethod} → {m.methodIntegration?.type ?? "no integration"}
                </Badge>
              </button>
            ))}
          </div>
        )}
      </CardBody>
      <ConfirmDialog
        open={deleting}
        onClose={() => (del.reset(), setDeleting(false))}
        onConfirm={() => del.mutate({ tenant, apiId: api.id, resourceId: resource.id })}
        title={`Delete ${resource.path}?`}
        confirmLabel="Delete resource"
        loading={del.isPending}
        error={errorMessageOf(del.error)}
      >
        Its methods and child resources go with it (deployed stages keep serving their snapshot until the next deploy).
      </ConfirmDialog>
    </Card>
  );
}

function MethodPanel({
  tenant,
  api,
  resource,
  httpMethod,
  canWrite,
  onDeleted,
}: {
  tenant: string;
  api: ApiDetail;
  resource: ResourceView;
  httpMethod: string;
  canWrite: boolean;
  onDeleted: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const method = resource.methods.find((m) => m.httpMethod === httpMethod)!;
  const [tab, setTab] = useState(method.methodIntegration ? "request" : "integration");
  const [deleting, setDeleting] = useState(false);
  const del = useMutation(
    trpc.apis.deleteMethod.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        toast(`${httpMethod} deleted`);
        onDeleted();
      },
    }),
  );
  const props = { tenant, api, resourceId: resource.id, method, canWrite };
  return (
    <Card>
      <CardHeader
        title={
          <span className="font-mono">
            {httpMethod} {resource.path}
          </span>
        }
        description={
          method.methodIntegration
            ? `${method.authorizationType === "NONE" ? "Open" : method.authorizationType}${method.apiKeyRequired ? ", API key required" : ""} → ${method.methodIntegration.type}`
            : "Set up the integration to make this method answer."
        }
        actions={
          canWrite && (
            <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(true)}>
              <Trash2 className="h-4 w-4" aria-hidden />
              Delete method
            </Button>
          )
        }
      />
      <CardBody>
        <Tabs
          value={tab}
          onChange={setTab}
          items={[
            { id: "request", label: "Method request", content: <MethodRequestForm {...props} /> },
            {
              id: "integration",
              label: "Integration",
              content: <IntegrationForm {...props} resourcePath={resource.path} />,
            },
            { id: "test", label: "Test", content: <TestPanel {...props} resourcePath={resource.path} /> },
          ]}
        />
      </CardBody>
      <ConfirmDialog
        open={deleting}
        onClose={() => (del.reset(), setDeleting(false))}
        onConfirm={() =>
          del.mutate({ tenant, apiId: api.id, resourceId: resource.id, httpMethod: httpMethod as "GET" })
        }
        title={`Delete ${httpMethod} ${resource.path}?`}
        confirmLabel="Delete method"
        loading={del.isPending}
        error={errorMessageOf(del.error)}
      >
        Its integration and responses go with it.
      </ConfirmDialog>
    </Card>
  );
}
