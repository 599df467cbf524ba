"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  CodeBlock,
  ConfirmDialog,
  CopyField,
  FormField,
  Input,
  KeyValue,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  Select,
  Table,
  TableEmptyRow,
  TBody,
  Td,
  Textarea,
  Th,
  THead,
  Tr,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { useOrigin } from "@/lib/use-origin";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { FunctionSecretDialog } from "./function-secret-dialog";
import { invokeSnippet } from "./snippets";

type Fn = RouterOutputs["function"]["get"];

export function FunctionDetailView({ name }: { name: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const fn = useQuery(trpc.function.get.queryOptions({ tenant: tenant.slug, id: name }));
  return (
    <div>
      <PageHeader
        eyebrow={
          <Link href={tenantPath(tenant.slug, "functions")} className="hover:underline">
            Functions
          </Link>
        }
        title={name}
        description={fn.data?.description || undefined}
      />
      {fn.isPending ? (
        <LoadingBlock />
      ) : fn.error ? (
        <Alert tone="danger" title="Could not load the function">
          {fn.error.message}
        </Alert>
      ) : (
        <FunctionDetail fn={fn.data} />
      )}
    </div>
  );
}

function FunctionDetail({ fn }: { fn: Fn }) {
  const tenant = useCurrentTenant();
  const origin = useOrigin();
  const { can } = usePermissions();
  const write = can("resource:write");
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Overview" />
        <CardBody className="space-y-4">
          <CopyField label="ARN" value={fn.arn} />
          <KeyValue
            items={[
              { label: "URL", value: fn.url, mono: true },
              { label: "Timeout", value: `${fn.timeoutSeconds} s` },
              {
                label: "Concurrency limit",
                value: fn.reservedConcurrency === null ? "unlimited" : String(fn.reservedConcurrency),
              },
              {
                label: "Async retries",
                value: `${fn.maximumRetryAttempts} retries, events up to ${fn.maximumEventAgeSeconds} s old`,
              },
              { label: "On failure", value: fn.onFailureDestination ?? "none", mono: !!fn.onFailureDestination },
              { label: "Modified", value: <RelativeTime date={fn.updatedAt} /> },
            ]}
          />
          <CodeBlock title="Invoke with the AWS CLI" code={invokeSnippet(fn.name, origin || "http://localhost:3000")} />
        </CardBody>
      </Card>
      {write && <TestInvoke fn={fn} tenant={tenant.slug} />}
      <RecentInvocations fn={fn} tenant={tenant.slug} />
      {write && <Settings fn={fn} tenant={tenant.slug} />}
      {write && <Danger fn={fn} tenant={tenant.slug} />}
    </div>
  );
}

function TestInvoke({ fn, tenant }: { fn: Fn; tenant: string }) {
  const trpc = useTRPC();
  const [payload, setPayload] = useState('{\n  "hello": "world"\n}');
  const [type, setType] = useState<"RequestResponse" | "Event" | "DryRun">("RequestResponse");
  const invoke = useMutation(trpc.function.invoke.mutationOptions());
  const r = invoke.data;
  let pretty = r?.payload ?? "";
  try {
    if (pretty) pretty = JSON.stringify(JSON.parse(pretty), null, 2);
  } catch {
    // shown as it came
  }
  return (
    <Card>
      <CardHeader title="Test" description="Invoke the function with an event, as Lambda's Invoke does." />
      <CardBody>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            invoke.mutate({ tenant, id: fn.id, payload, invocationType: type });
          }}
        >
          <FormField label="Event (JSON)" error={fieldErrorsOf(invoke.error).payload}>
            <Textarea
              rows={6}
              value={payload}
              onChange={(e) => setPayload(e.target.value)}
              data-testid="invoke-payload"
            />
          </FormField>
          <div className="flex items-end gap-3">
            <div className="w-56">
              <FormField label="Invocation type">
                <Select value={type} onChange={(e) => setType(e.target.value as typeof type)}>
                  <option value="RequestResponse">RequestResponse (wait for the result)</option>
                  <option value="Event">Event (asynchronous)</option>
                  <option value="DryRun">DryRun (check only)</option>
                </Select>
              </FormField>
            </div>
            <Button type="submit" loading={invoke.isPending}>
              Invoke
            </Button>
          </div>
        </form>
        {invoke.error && (
          <Alert tone="danger" title="Invoke failed" className="mt-4">
            {errorMessageOf(invoke.error) ?? invoke.error.message}
          </Alert>
        )}
        {r && (
          <div className="mt-4 space-y-2" data-testid="invoke-result">
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={r.functionError ? "danger" : "success"}>
                {r.statusCode === 202
                  ? "202 queued"
                  : r.statusCode === 204
                    ? "204 dry run passed"
                    : r.functionError
                      ? `Function error (${r.functionError})`
                      : "200 succeeded"}
              </Badge>
              <span className="font-mono text-xs text-gray-500">RequestId {r.requestId}</span>
            </div>
            {r.statusCode === 200 && <CodeBlock title={r.functionError ? "Error" : "Result"} code={pretty} />}
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function RecentInvocations({ fn, tenant }: { fn: Fn; tenant: string }) {
  const trpc = useTRPC();
  const attempts = useQuery({
    ...trpc.delivery.attempts.queryOptions({ tenant, endpoint: fn.arn, limit: 20 }),
    refetchInterval: 10_000,
  });
  const items = attempts.data?.items ?? [];
  return (
    <Card>
      <CardHeader
        title="Recent invocations"
        description="Asynchronous invocations, rule and schedule targets: every attempt the delivery engine made."
        actions={
          <Link href={tenantPath(tenant, "deliveries")} className="text-sm text-accent-700 hover:underline">
            Deliveries dashboard
          </Link>
        }
      />
      <CardBody>
        {attempts.isPending ? (
          <LoadingBlock />
        ) : (
          <Table aria-label="Recent invocations">
            <THead>
              <tr>
                <Th>When</Th>
                <Th>Source</Th>
                <Th>Outcome</Th>
                <Th className="hidden md:table-cell">Error</Th>
                <Th className="hidden md:table-cell">Duration</Th>
              </tr>
            </THead>
            <TBody>
              {items.length === 0 ? (
                <TableEmptyRow colSpan={5}>No invocations through the delivery engine yet.</TableEmptyRow>
              ) : (
                items.map((a) => (
                  <Tr key={a.id}>
                    <Td>
                      <RelativeTime date={a.startedAt} />
                    </Td>
                    <Td className="font-mono text-xs">{a.sourceKind}</Td>
                    <Td>
                      <Badge
                        tone={a.outcome === "succeeded" ? "success" : a.outcome === "failed" ? "danger" : "warning"}
                      >
                        {a.outcome}
                      </Badge>
                    </Td>
                    <Td className="hidden max-w-sm truncate text-xs md:table-cell">{a.error ?? ""}</Td>
                    <Td className="hidden md:table-cell">{a.durationMs} ms</Td>
                  </Tr>
                ))
              )}
            </TBody>
          </Table>
        )}
      </CardBody>
    </Card>
  );
}

function Settings({ fn, tenant }: { fn: Fn; tenant: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [url, setUrl] = useState(fn.url);
  const [timeout, setTimeoutSeconds] = useState(String(fn.timeoutSeconds));
  const [concurrency, setConcurrency] = useState(fn.reservedConcurrency === null ? "" : String(fn.reservedConcurrency));
  const [retries, setRetries] = useState(String(fn.maximumRetryAttempts));
  const [age, setAge] = useState(String(fn.maximumEventAgeSeconds));
  const [destination, setDestination] = useState(fn.onFailureDestination ?? "");
  const [description, setDescription] = useState(fn.description);
  const update = useMutation(
    trpc.function.update.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.function.get.pathKey() });
        toast("Settings saved");
      },
    }),
  );
  const fe = fieldErrorsOf(update.error);
  const other = otherErrors(update.error, [
    "url",
    "timeoutSeconds",
    "reservedConcurrency",
    "maximumRetryAttempts",
    "maximumEventAgeSeconds",
    "onFailureDestination",
    "description",
  ]);
  return (
    <Card>
      <CardHeader title="Settings" />
      <CardBody>
        <form
          className="grid gap-4 md:grid-cols-2"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            update.mutate({
              tenant,
              id: fn.id,
              url: url.trim(),
              timeoutSeconds: Number(timeout),
              reservedConcurrency: concurrency.trim() === "" ? null : Number(concurrency),
              maximumRetryAttempts: Number(retries),
              maximumEventAgeSeconds: Number(age),
              onFailureDestination: destination.trim() || null,
              description,
            });
          }}
        >
          {other && (
            <div className="md:col-span-2">
              <Alert tone="danger">{other}</Alert>
            </div>
          )}
          <FormField label="URL" error={fe.url}>
            <Input value={url} onChange={(e) => setUrl(e.target.value)} />
          </FormField>
          <FormField label="Description" error={fe.description}>
            <Input value={description} onChange={(e) => setDescription(e.target.value)} />
          </FormField>
          <FormField label="Timeout (seconds, 1–900)" error={fe.timeoutSeconds}>
            <Input type="number" value={timeout} onChange={(e) => setTimeoutSeconds(e.target.value)} />
          </FormField>
          <FormField label="Concurrency limit (empty: unlimited)" error={fe.reservedConcurrency}>
            <Input type="number" value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
          </FormField>
          <FormField label="Async retry attempts (0–2)" error={fe.maximumRetryAttempts}>
            <Input type="number" value={retries} onChange={(e) => setRetries(e.target.value)} />
          </FormField>
          <FormField label="Maximum event age (60–21600 s)" error={fe.maximumEventAgeSeconds}>
            <Input type="number" value={age} onChange={(e) => setAge(e.target.value)} />
          </FormField>
          <div className="md:col-span-2">
            <FormField
              label="On-failure destination"
              hint="A queue, topic or event bus ARN: receives Lambda's invocation record when an asynchronous invocation fails for good."
              error={fe.onFailureDestination}
            >
              <Input value={destination} onChange={(e) => setDestination(e.target.value)} placeholder="arn:aws:sqs:…" />
            </FormField>
          </div>
          <div className="md:col-span-2">
            <Button type="submit" loading={update.isPending}>
              Save settings
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

function Danger({ fn, tenant }: { fn: Fn; tenant: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const [confirm, setConfirm] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const rotate = useMutation(
    trpc.function.rotateSecret.mutationOptions({ onSuccess: (r) => setSecret(r.signingSecret) }),
  );
  const del = useMutation(
    trpc.function.delete.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.function.list.pathKey() });
        toast(`Function “${fn.name}” deleted`);
        router.push(tenantPath(tenant, "functions"));
      },
    }),
  );
  return (
    <Card>
      <CardHeader title="Signing secret and deletion" />
      <CardBody className="flex flex-wrap gap-3">
        <Button variant="secondary" loading={rotate.isPending} onClick={() => rotate.mutate({ tenant, id: fn.id })}>
          Rotate signing secret
        </Button>
        <Button variant="danger" onClick={() => setConfirm(true)}>
          Delete function
        </Button>
      </CardBody>
      <ConfirmDialog
        open={confirm}
        onClose={() => setConfirm(false)}
        onConfirm={() => del.mutate({ tenant, id: fn.id })}
        title={`Delete ${fn.name}?`}
        confirmLabel="Delete"
        loading={del.isPending}
        error={del.error ? del.error.message : undefined}
      >
        Rules and schedules that target it will fail with “Function not found”.
      </ConfirmDialog>
      <FunctionSecretDialog secret={secret} onClose={() => setSecret(null)} />
    </Card>
  );
}
