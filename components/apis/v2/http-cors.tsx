"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, CardBody, CardHeader, FormField, Input, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { listOf, type HttpApiDetail } from "./shared";

/** The API's name, description and CORS configuration (the gateway answers preflights itself). */
export function HttpCorsPanel({ tenant, api, canWrite }: { tenant: string; api: HttpApiDetail; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const c = api.cors;
  const [name, setName] = useState(api.name);
  const [description, setDescription] = useState(api.description ?? "");
  const [enabled, setEnabled] = useState(!!c);
  const [origins, setOrigins] = useState(c?.allowOrigins?.join(", ") ?? "*");
  const [methods, setMethods] = useState(c?.allowMethods?.join(", ") ?? "GET, POST");
  const [headers, setHeaders] = useState(c?.allowHeaders?.join(", ") ?? "content-type, authorization");
  const [expose, setExpose] = useState(c?.exposeHeaders?.join(", ") ?? "");
  const [maxAge, setMaxAge] = useState(c?.maxAge !== undefined ? String(c.maxAge) : "");
  const [credentials, setCredentials] = useState(c?.allowCredentials ?? false);
  const save = useMutation(
    trpc.apis.v2.updateHttp.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.apis.v2.http.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.apis.v2.list.pathKey() }),
        ]);
        toast("API settings saved");
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  return (
    <Card>
      <CardHeader
        title="Settings and CORS"
        description="With CORS configured, the gateway answers browsers' preflight (OPTIONS) requests itself and adds the Access-Control-* headers to every response; changes reach auto-deploy stages at once."
      />
      <CardBody>
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({
              tenant,
              apiId: api.id,
              name: name.trim(),
              description,
              cors: enabled
                ? {
                    allowOrigins: listOf(origins),
                    allowMethods: listOf(methods),
                    allowHeaders: listOf(headers),
                    exposeHeaders: listOf(expose),
                    allowCredentials: credentials,
                    maxAge: maxAge.trim() === "" ? undefined : Number(maxAge),
                  }
                : null,
            });
          }}
        >
          <div className="grid gap-4 md:grid-cols-2">
            <FormField label="Name" error={fe.name}>
              <Input name="name" value={name} disabled={!canWrite} onChange={(e) => setName(e.target.value)} />
            </FormField>
            <FormField label="Description" error={fe.description}>
              <Input
                name="description"
                value={description}
                disabled={!canWrite}
                onChange={(e) => setDescription(e.target.value)}
              />
            </FormField>
          </div>
          <label className="flex items-center gap-2 text-sm font-medium">
            <input
              type="checkbox"
              checked={enabled}
              disabled={!canWrite}
              onChange={(e) => setEnabled(e.target.checked)}
            />
            CORS
          </label>
          {enabled && (
            <div className="grid gap-4 md:grid-cols-2">
              <FormField label="Access-Control-Allow-Origin" error={fe.cors} hint="Comma-separated; * for any.">
                <Input value={origins} disabled={!canWrite} onChange={(e) => setOrigins(e.target.value)} />
              </FormField>
              <FormField label="Access-Control-Allow-Methods">
                <Input value={methods} disabled={!canWrite} onChange={(e) => setMethods(e.target.value)} />
              </FormField>
              <FormField label="Access-Control-Allow-Headers">
                <Input value={headers} disabled={!canWrite} onChange={(e) => setHeaders(e.target.value)} />
              </FormField>
              <FormField label="Access-Control-Expose-Headers">
                <Input value={expose} disabled={!canWrite} onChange={(e) => setExpose(e.target.value)} />
              </FormField>
              <FormField label="Access-Control-Max-Age (s)" hint="-1 to 86,400; empty: not sent.">
                <Input
                  inputMode="numeric"
                  value={maxAge}
                  disabled={!canWrite}
                  onChange={(e) => setMaxAge(e.target.value)}
                />
              </FormField>
              <label className="flex items-center gap-2 self-center text-sm">
                <input
                  type="checkbox"
                  checked={credentials}
                  disabled={!canWrite}
                  onChange={(e) => setCredentials(e.target.checked)}
                />
                Access-Control-Allow-Credentials (not with origin *)
              </label>
            </div>
          )}
          {otherErrors(save.error, ["name", "description", "cors"]) && (
            <Alert tone="danger">{otherErrors(save.error, ["name", "description", "cors"])}</Alert>
          )}
          {canWrite && (
            <Button type="submit" loading={save.isPending}>
              Save settings
            </Button>
          )}
        </form>
      </CardBody>
    </Card>
  );
}
