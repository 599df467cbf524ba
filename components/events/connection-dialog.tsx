"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FormDialog, FormField, Input, Select, Alert, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { ConnectionItem } from "./connections-view";

type AuthType = "API_KEY" | "BASIC" | "OAUTH_CLIENT_CREDENTIALS";
type OAuthMethod = "GET" | "POST" | "PUT";

const SHOWN = [
  "name",
  "description",
  "authorizationType",
  "apiKeyName",
  "apiKeyValue",
  "username",
  "password",
  "clientId",
  "clientSecret",
  "authorizationEndpoint",
  "oauthHttpMethod",
];

/**
 * Create or edit a connection. The credential fields follow the authorization type; on edit a
 * secret field starts empty and stays the stored secret unless something is typed in it.
 */
export function ConnectionDialog({
  tenant,
  connection,
  onClose,
}: {
  tenant: string;
  connection: ConnectionItem | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const editing = connection !== null;
  const [name, setName] = useState(connection?.name ?? "");
  const [description, setDescription] = useState(connection?.description ?? "");
  const [type, setType] = useState<AuthType>((connection?.authorizationType as AuthType | undefined) ?? "API_KEY");
  const [apiKeyName, setApiKeyName] = useState(connection?.apiKeyName ?? "x-api-key");
  const [apiKeyValue, setApiKeyValue] = useState("");
  const [username, setUsername] = useState(connection?.username ?? "");
  const [password, setPassword] = useState("");
  const [clientId, setClientId] = useState(connection?.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const [endpoint, setEndpoint] = useState(connection?.authorizationEndpoint ?? "");
  const [method, setMethod] = useState<OAuthMethod>((connection?.oauthHttpMethod as OAuthMethod | null) ?? "POST");
  const onSuccess = async (c: { name: string }) => {
    await qc.invalidateQueries({ queryKey: trpc.events.connections.pathKey() });
    toast(editing ? `Connection “${c.name}” saved` : `Connection “${c.name}” created`);
    onClose();
  };
  const create = useMutation(trpc.events.createConnection.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.events.updateConnection.mutationOptions({ onSuccess }));
  const m = editing ? update : create;
  const fe = fieldErrorsOf(m.error);
  const other = otherErrors(m.error, SHOWN);
  // Same type as stored: a blank secret keeps the stored one. A new type needs all its credentials.
  const keepsSecret = editing && connection.authorizationType === type;
  const secretHint = keepsSecret ? "Leave empty to keep the stored one (it is never shown)." : undefined;
  const formId = "connection-form";
  return (
    <FormDialog
      formId={formId}
      title={editing ? `Edit connection “${connection.name}”` : "Create connection"}
      description="EventBridge connections: the authorization an API destination sends with every call. Saving authorizes the connection again."
      submitLabel={editing ? "Save connection" : "Create connection"}
      loading={m.isPending}
      onClose={onClose}
      onSubmit={() => {
        const input = {
          tenant,
          name: name.trim(),
          description,
          authorizationType: type,
          ...(type === "API_KEY" ? { apiKeyName: apiKeyName.trim(), apiKeyValue } : {}),
          ...(type === "BASIC" ? { username: username.trim(), password } : {}),
          ...(type === "OAUTH_CLIENT_CREDENTIALS"
            ? {
                clientId: clientId.trim(),
                clientSecret,
                authorizationEndpoint: endpoint.trim(),
                oauthHttpMethod: method,
              }
            : {}),
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
        <FormField label="Authorization type" error={fe.authorizationType}>
          <Select value={type} onChange={(e) => setType(e.target.value as AuthType)}>
            <option value="API_KEY">API key</option>
            <option value="BASIC">Basic (user name and password)</option>
            <option value="OAUTH_CLIENT_CREDENTIALS">OAuth client credentials</option>
          </Select>
        </FormField>
      </div>
      <FormField label="Description (optional)" error={fe.description}>
        <Input value={description} onChange={(e) => setDescription(e.target.value)} />
      </FormField>

      <fieldset className="space-y-4 rounded-lg border border-gray-200 bg-gray-50/70 p-4">
        <legend className="px-1 text-sm font-medium text-gray-800">
          {type === "API_KEY" ? "API key" : type === "BASIC" ? "Basic authorization" : "OAuth client credentials"}
        </legend>
        {type === "API_KEY" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Header name" error={fe.apiKeyName} hint="Sent as this header, e.g. x-api-key.">
              <Input value={apiKeyName} onChange={(e) => setApiKeyName(e.target.value)} autoComplete="off" />
            </FormField>
            <FormField label="API key" error={fe.apiKeyValue} hint={secretHint}>
              <Input
                type="password"
                value={apiKeyValue}
                onChange={(e) => setApiKeyValue(e.target.value)}
                autoComplete="new-password"
                placeholder={keepsSecret ? "••••••••" : undefined}
              />
            </FormField>
          </div>
        )}
        {type === "BASIC" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="User name" error={fe.username}>
              <Input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
            </FormField>
            <FormField label="Password" error={fe.password} hint={secretHint}>
              <Input
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="new-password"
                placeholder={keepsSecret ? "••••••••" : undefined}
              />
            </FormField>
          </div>
        )}
        {type === "OAUTH_CLIENT_CREDENTIALS" && (
          <>
            <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
              <FormField
                label="Token endpoint"
                error={fe.authorizationEndpoint}
                hint="Signalbox asks it for a token with the client credentials and refreshes it when it expires."
              >
                <Input
                  value={endpoint}
                  onChange={(e) => setEndpoint(e.target.value)}
                  placeholder="https://auth.example.com/oauth/token"
                  className="font-mono"
                  autoComplete="off"
                />
              </FormField>
              <FormField label="Method" error={fe.oauthHttpMethod}>
                <Select value={method} onChange={(e) => setMethod(e.target.value as OAuthMethod)}>
                  <option>POST</option>
                  <option>GET</option>
                  <option>PUT</option>
                </Select>
              </FormField>
            </div>
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField label="Client ID" error={fe.clientId}>
                <Input value={clientId} onChange={(e) => setClientId(e.target.value)} autoComplete="off" />
              </FormField>
              <FormField label="Client secret" error={fe.clientSecret} hint={secretHint}>
                <Input
                  type="password"
                  value={clientSecret}
                  onChange={(e) => setClientSecret(e.target.value)}
                  autoComplete="new-password"
                  placeholder={keepsSecret ? "••••••••" : undefined}
                />
              </FormField>
            </div>
          </>
        )}
      </fieldset>
      {other && <Alert tone="danger">{other}</Alert>}
    </FormDialog>
  );
}
