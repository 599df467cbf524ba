"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  FormField,
  Textarea,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { ApiDetail } from "./types";

const EXAMPLE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "execute-api:Invoke",
      "Resource": "execute-api:/*"
    },
    {
      "Effect": "Deny",
      "Principal": "*",
      "Action": "execute-api:Invoke",
      "Resource": "execute-api:/*",
      "Condition": { "NotIpAddress": { "aws:SourceIp": ["192.0.2.0/24"] } }
    }
  ]
}`;

/** The API's resource policy (who may invoke it, from where), checked as you type and on save. */
export function PolicyTab({ tenant, api, canWrite }: { tenant: string; api: ApiDetail; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [text, setText] = useState(api.policy ? pretty(api.policy) : "");
  const save = useMutation(
    trpc.apis.savePolicy.mutationOptions({
      onSuccess: async (r) => {
        setText(r.policy ? pretty(r.policy) : "");
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        toast(r.policy ? "Resource policy saved: deploy the API for it to apply" : "Resource policy removed");
      },
    }),
  );
  const syntax = jsonError(text);
  const fe = fieldErrorsOf(save.error);
  return (
    <Card>
      <CardHeader
        title="Resource policy"
        description="Who may invoke this API and from where: Allow / Deny on execute-api:Invoke by path (execute-api:/<stage>/<METHOD>/<path>) and source IP. An explicit Deny wins; with a policy, a request needs an Allow (AWS_IAM calls by this account excepted). It applies from the next deployment."
      />
      <CardBody className="space-y-4">
        <form
          className="space-y-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!syntax) save.mutate({ tenant, apiId: api.id, policy: text });
          }}
        >
          <FormField label="Policy (JSON)" error={fe.policy ?? syntax ?? undefined} hint="Empty: no policy.">
            <Textarea
              name="policy"
              rows={18}
              className="font-mono text-xs"
              spellCheck={false}
              value={text}
              disabled={!canWrite}
              invalid={!!(fe.policy ?? syntax)}
              placeholder={EXAMPLE}
              onChange={(e) => (save.reset(), setText(e.target.value))}
            />
          </FormField>
          {otherErrors(save.error, ["policy"]) && <Alert tone="danger">{otherErrors(save.error, ["policy"])}</Alert>}
          {canWrite && (
            <div className="flex gap-3">
              <Button type="submit" variant="secondary" loading={save.isPending} disabled={!!syntax}>
                Save policy
              </Button>
              {!text.trim() && (
                <Button type="button" variant="ghost" onClick={() => setText(EXAMPLE)}>
                  Start from an example
                </Button>
              )}
            </div>
          )}
        </form>
      </CardBody>
    </Card>
  );
}

function pretty(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}

function jsonError(s: string): string | null {
  if (!s.trim()) return null;
  try {
    const v: unknown = JSON.parse(s);
    if (!v || typeof v !== "object" || Array.isArray(v)) return "The policy must be a JSON object.";
    return null;
  } catch (e) {
    return `Not JSON: ${(e as Error).message}`;
  }
}
