"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, FormDialog, FormField, Input, Select, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { AUTH_LABEL, type ApiDestinationItem, type ConnectionItem } from "./connections-view";

const METHODS = ["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];
const SHOWN = ["name", "description", "connectionArn", "endpoint", "httpMethod", "rateLimit"];

/** Create or edit an API destination: endpoint, method, connection and invocation rate limit. */
export function ApiDestinationDialog({
  tenant,
  destination,
  connections,
  onClose,
}: {
  tenant: string;
  destination: ApiDestinationItem | null;
  connections: ConnectionItem[];
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const editing = destination !== null;
  const [name, setName] = useState(destination?.name ?? "");
  const [description, setDescription] = useState(destination?.description ?? "");
  const [connectionArn, setConnectionArn] = useState(
    destination?.connectionArn ?? (connections.length === 1 ? connections[0]!.arn : ""),
  );
  const [endpoint, setEndpoint] = useState(destination?.endpoint ?? "https://");
  const [method, setMethod] = useState<Method>((destination?.httpMethod as Method | undefined) ?? "POST");
  const [rate, setRate] = useState(String(destination?.rateLimit ?? 300));
  const onSuccess = async (d: { name: string }) => {
    await qc.invalidateQueries({ queryKey: trpc.events.connections.pathKey() });
    toast(editing ? `API destination “${d.name}” saved` : `API destination “${d.name}” created`);
    onClose();
  };
  const create = useMutation(trpc.events.createApiDestination.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.events.updateApiDestination.mutationOptions({ onSuccess }));
  const m = editing ? update : create;
  const fe = fieldErrorsOf(m.error);
  const other = otherErrors(m.error, SHOWN);
  const picked = connections.find((c) => c.arn === connectionArn);
  const formId = "api-destination-form";
  return (
    <FormDialog
      formId={formId}
      title={editing ? `Edit API destination “${destination.name}”` : "Create API destination"}
      description="Rules that target it send each matching event as the request body, with the connection's authorization, retried by the delivery engine."
      submitLabel={editing ? "Save API destination" : "Create API destination"}
      loading={m.isPending}
      onClose={onClose}
      onSubmit={() => {
        const input = {
          tenant,
          name: name.trim(),
          description,
          connectionArn,
          endpoint: endpoint.trim(),
          httpMethod: method,
          rateLimit: rate.trim() === "" ? undefined : Number(rate),
        };
        if (editing) update.mutate(input);
        else create.mutate(input);
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Name" error={fe.name}>
          <Input
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={editing}
            autoComplete="off"
            data-autofocus
          />
        </FormField>
        <FormField
          label="Connection"
          error={fe.connectionArn}
          hint={picked ? `${AUTH_LABEL[picked.authorizationType]} · ${picked.state.toLowerCase()}` : undefined}
        >
          <Select value={connectionArn} onChange={(e) => setConnectionArn(e.target.value)}>
            <option value="">Choose…</option>
            {connections.map((c) => (
              <option key={c.arn} value={c.arn}>
                {c.name}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <div className="grid gap-4 sm:grid-cols-[8rem_1fr]">
        <FormField label="Method" error={fe.httpMethod}>
          <Select value={method} onChange={(e) => setMethod(e.target.value as Method)}>
            {METHODS.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </Select>
        </FormField>
        <FormField
          label="Endpoint"
          error={fe.endpoint}
          hint="HTTPS. Each * is a path parameter a rule target fills in (PathParameterValues)."
        >
          <Input
            value={endpoint}
            onChange={(e) => setEndpoint(e.target.value)}
            className="font-mono"
            autoComplete="off"
            placeholder="https://api.example.com/v1/orders/*"
          />
        </FormField>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          label="Rate limit (invocations per second)"
          error={fe.rateLimit}
          hint="1 to 300. Calls beyond it wait, shared by every worker."
        >
          <Input inputMode="numeric" value={rate} onChange={(e) => setRate(e.target.value)} />
        </FormField>
        <FormField label="Description (optional)" error={fe.description}>
          <Input value={description} onChange={(e) => setDescription(e.target.value)} />
        </FormField>
      </div>
      {other && <Alert tone="danger">{other}</Alert>}
    </FormDialog>
  );
}
