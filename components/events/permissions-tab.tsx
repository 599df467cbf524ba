"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ShieldCheck } from "lucide-react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  CodeBlock,
  FormField,
  Input,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { BusView } from "./types";

/**
 * The bus's resource policy: which other accounts may put events on it (PutPermission /
 * RemovePermission). Without a policy only this team can.
 */
export function PermissionsTab({ tenant, bus, canWrite }: { tenant: string; bus: BusView; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [principal, setPrincipal] = useState("");
  const [statementId, setStatementId] = useState("");
  const done = async (msg: string) => {
    await qc.invalidateQueries({ queryKey: trpc.events.bus.pathKey() });
    await qc.invalidateQueries({ queryKey: trpc.events.buses.pathKey() });
    toast(msg);
  };
  const grant = useMutation(
    trpc.events.grant.mutationOptions({
      onSuccess: async () => {
        setPrincipal("");
        setStatementId("");
        await done("Permission added");
      },
    }),
  );
  const revoke = useMutation(trpc.events.revoke.mutationOptions({ onSuccess: () => done("Permission removed") }));
  const fe = fieldErrorsOf(grant.error);
  const statements = statementsOf(bus.policy);
  return (
    <div className="grid gap-5 xl:grid-cols-2">
      <Card>
        <CardHeader
          title="Who may put events on this bus"
          description="This team always may. Other accounts need a statement in the bus's resource policy; without one, PutEvents from them is refused as AWS refuses it."
        />
        <CardBody className="space-y-3">
          {statements.length === 0 ? (
            <p className="flex items-center gap-2 text-sm text-gray-600">
              <ShieldCheck className="h-4 w-4 text-green-600" aria-hidden />
              No resource policy: only this team can put events here.
            </p>
          ) : (
            <ul className="divide-y divide-gray-100 rounded-md border border-gray-200 text-sm">
              {statements.map((s) => (
                <li key={s.sid} className="flex items-center justify-between gap-3 px-3 py-2">
                  <span className="min-w-0">
                    <span className="font-medium text-gray-900">{s.sid}</span>
                    <span className="block truncate font-mono text-xs text-gray-500">
                      {s.effect} {s.action} for {s.principal}
                    </span>
                  </span>
                  {canWrite && (
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-600 hover:bg-red-50"
                      loading={revoke.isPending && revoke.variables?.statementId === s.sid}
                      onClick={() => revoke.mutate({ tenant, bus: bus.name, statementId: s.sid })}
                    >
                      Remove
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {revoke.error && <Alert tone="danger">{revoke.error.message}</Alert>}
          {canWrite && (
            <form
              className="grid gap-3 border-t border-gray-100 pt-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
              aria-label="Allow an account"
              onSubmit={(e) => {
                e.preventDefault();
                grant.mutate({ tenant, bus: bus.name, principal: principal.trim(), statementId: statementId.trim() });
              }}
            >
              <FormField label="Account id" error={fe.principal} hint="12 digits, or * for everyone">
                <Input value={principal} onChange={(e) => setPrincipal(e.target.value)} className="font-mono" />
              </FormField>
              <FormField label="Statement id" error={fe.statementId} hint="Letters, digits, - and _">
                <Input
                  value={statementId}
                  onChange={(e) => setStatementId(e.target.value)}
                  placeholder="allow-billing"
                />
              </FormField>
              <Button type="submit" loading={grant.isPending} className="sm:mt-7">
                Allow
              </Button>
              {otherErrors(grant.error, ["principal", "statementId"]) && (
                <Alert tone="danger" className="sm:col-span-3">
                  {otherErrors(grant.error, ["principal", "statementId"])}
                </Alert>
              )}
            </form>
          )}
        </CardBody>
      </Card>
      {bus.policy && <CodeBlock title="Resource policy" code={pretty(bus.policy)} />}
    </div>
  );
}

function pretty(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}

type Statement = { sid: string; effect: string; action: string; principal: string };

function statementsOf(policy: string | null): Statement[] {
  if (!policy) return [];
  try {
    const doc = JSON.parse(policy) as { Statement?: Array<Record<string, unknown>> };
    return (doc.Statement ?? []).map((s, i) => {
      const p = s.Principal as string | { AWS?: string | string[] } | undefined;
      const principal = typeof p === "string" ? p : Array.isArray(p?.AWS) ? p.AWS.join(", ") : (p?.AWS ?? "?");
      return {
        sid: String(s.Sid ?? `statement-${i + 1}`),
        effect: String(s.Effect ?? "Allow"),
        action: Array.isArray(s.Action) ? s.Action.join(", ") : String(s.Action ?? ""),
        principal: principal.replace(/^arn:aws:iam::(\d{12}):root$/, "$1"),
      };
    });
  } catch {
    return [];
  }
}
