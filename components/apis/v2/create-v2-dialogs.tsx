"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Cable, Globe, Network } from "lucide-react";
import {
  Alert,
  Button,
  Dialog,
  FormDialogFooter,
  FormField,
  Input,
  Select,
  SegmentedControl,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { listOf, type Protocol } from "./shared";

/** Step one of "Create API": the kind, as AWS's console asks (REST, HTTP, WebSocket). */
export function ChooseApiKindDialog({
  open,
  onClose,
  onChoose,
}: {
  open: boolean;
  onClose: () => void;
  onChoose: (p: Protocol) => void;
}) {
  const kinds: { p: Protocol; icon: React.ReactNode; title: string; text: string }[] = [
    {
      p: "HTTP",
      icon: <Network className="h-5 w-5" aria-hidden />,
      title: "HTTP API",
      text: "Routes (GET /orders/{id}) to an HTTP backend, a function, a queue, an event bus or a workflow. JWT and function authorizers, CORS, auto-deploy. Simple and fast.",
    },
    {
      p: "WEBSOCKET",
      icon: <Cable className="h-5 w-5" aria-hidden />,
      title: "WebSocket API",
      text: "Long-lived connections: messages are routed by a field of their JSON body; your backend pushes to clients through @connections.",
    },
    {
      p: "REST",
      icon: <Globe className="h-5 w-5" aria-hidden />,
      title: "REST API",
      text: "Resources and methods with mapping templates (VTL), API keys and usage plans, caching, request validation. Or import OpenAPI 3.",
    },
  ];
  return (
    <Dialog open={open} onClose={onClose} title="Create API" description="Choose the kind of API." size="lg">
      <div className="grid gap-3 sm:grid-cols-3">
        {kinds.map((k) => (
          <div key={k.p} className="flex flex-col rounded-lg border border-gray-200 p-4">
            <div className="mb-2 flex items-center gap-2 font-medium text-gray-900">
              <span className="text-accent-700">{k.icon}</span>
              {k.title}
            </div>
            <p className="mb-4 flex-1 text-sm text-gray-600">{k.text}</p>
            <Button variant="secondary" onClick={() => onChoose(k.p)} data-testid={`create-kind-${k.p}`}>
              Build {k.title}
            </Button>
          </div>
        ))}
      </div>
    </Dialog>
  );
}

type Target = "none" | "url" | "function";

/** Create an HTTP API: name, an optional quick-create target (URL or function) and CORS. */
export function CreateHttpApiDialog({
  open,
  onClose,
  onCreated,
  tenant,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
  tenant: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [target, setTarget] = useState<Target>("none");
  const [url, setUrl] = useState("");
  const [fn, setFn] = useState("");
  const [routeKey, setRouteKey] = useState("$default");
  const [cors, setCors] = useState(false);
  const [origins, setOrigins] = useState("*");
  const [methods, setMethods] = useState("GET, POST");
  const [headers, setHeaders] = useState("content-type");
  const functions = useQuery({
    ...trpc.function.list.queryOptions({ tenant, marker: null }),
    enabled: open && target === "function",
  });
  const create = useMutation(
    trpc.apis.v2.createHttp.mutationOptions({
      onSuccess: async (a) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.list.pathKey() });
        toast(`HTTP API “${a.name}” created`);
        setName("");
        onCreated(a.id);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => (create.reset(), onClose());
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create HTTP API"
      description="Routes send requests to integrations. With a target, the API gets a route to it and an auto-deploying $default stage at once (quick create)."
      footer={
        <FormDialogFooter
          formId="create-http-api-form"
          submitLabel="Create HTTP API"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-http-api-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            tenant,
            name: name.trim(),
            target: target === "url" ? url.trim() : target === "function" ? fn : undefined,
            routeKey: target !== "none" ? routeKey.trim() || "$default" : undefined,
            cors: cors
              ? {
                  allowOrigins: listOf(origins),
                  allowMethods: listOf(methods),
                  allowHeaders: listOf(headers),
                  exposeHeaders: [],
                  allowCredentials: false,
                }
              : null,
          });
        }}
      >
        <FormField label="Name" error={fe.name}>
          <Input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            placeholder="orders-http"
            data-autofocus
          />
        </FormField>
        <SegmentedControl<Target>
          label="Integration (optional)"
          options={[
            { value: "none", label: "None yet" },
            { value: "url", label: "HTTP URL" },
            { value: "function", label: "Function" },
          ]}
          value={target}
          onChange={setTarget}
        />
        {target === "url" && (
          <FormField label="Backend URL" error={fe.target} hint="Requests are proxied to it (HTTP_PROXY, any method).">
            <Input
              name="target"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://backend.example.com/orders"
            />
          </FormField>
        )}
        {target === "function" && (
          <FormField label="Function" error={fe.target} hint="Invoked with the payload format 2.0 event.">
            <Select name="function" value={fn} onChange={(e) => setFn(e.target.value)}>
              <option value="">Choose a function…</option>
              {(functions.data?.functions ?? []).map((f) => (
                <option key={f.arn} value={f.arn}>
                  {f.name}
                </option>
              ))}
            </Select>
          </FormField>
        )}
        {target !== "none" && (
          <FormField label="Route" error={fe.routeKey} hint="$default catches every request; or METHOD /path.">
            <Input
              name="routeKey"
              className="font-mono"
              value={routeKey}
              onChange={(e) => setRouteKey(e.target.value)}
            />
          </FormField>
        )}
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={cors} onChange={(e) => setCors(e.target.checked)} />
          Configure CORS (browsers on other origins may call the API)
        </label>
        {cors && (
          <div className="grid gap-3 sm:grid-cols-3">
            <FormField label="Allowed origins" error={fe.cors}>
              <Input value={origins} onChange={(e) => setOrigins(e.target.value)} />
            </FormField>
            <FormField label="Allowed methods">
              <Input value={methods} onChange={(e) => setMethods(e.target.value)} />
            </FormField>
            <FormField label="Allowed headers">
              <Input value={headers} onChange={(e) => setHeaders(e.target.value)} />
            </FormField>
          </div>
        )}
        {otherErrors(create.error, ["name", "target", "routeKey", "cors"]) && (
          <Alert tone="danger">{otherErrors(create.error, ["name", "target", "routeKey", "cors"])}</Alert>
        )}
      </form>
    </Dialog>
  );
}

/** Create a WebSocket API: name and route selection expression. */
export function CreateWsApiDialog({
  open,
  onClose,
  onCreated,
  tenant,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
  tenant: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [rse, setRse] = useState("$request.body.action");
  const create = useMutation(
    trpc.apis.v2.createWs.mutationOptions({
      onSuccess: async (a) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.v2.list.pathKey() });
        toast(`WebSocket API “${a.name}” created`);
        setName("");
        onCreated(a.id);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => (create.reset(), onClose());
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create WebSocket API"
      description="Clients connect to a stage's wss:// URL; each message is routed by the value the route selection expression picks from its JSON body ($default when none matches)."
      footer={
        <FormDialogFooter
          formId="create-ws-api-form"
          submitLabel="Create WebSocket API"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-ws-api-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ tenant, name: name.trim(), routeSelectionExpression: rse.trim() });
        }}
      >
        <FormField label="Name" error={fe.name}>
          <Input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            placeholder="chat"
            data-autofocus
          />
        </FormField>
        <FormField
          label="Route selection expression"
          error={fe.routeSelectionExpression}
          hint='With $request.body.action, {"action": "sendmessage"} goes to the route sendmessage.'
        >
          <Input
            name="routeSelectionExpression"
            className="font-mono"
            value={rse}
            onChange={(e) => setRse(e.target.value)}
          />
        </FormField>
        {otherErrors(create.error, ["name", "routeSelectionExpression"]) && (
          <Alert tone="danger">{otherErrors(create.error, ["name", "routeSelectionExpression"])}</Alert>
        )}
      </form>
    </Dialog>
  );
}
