"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { Alert, Badge, Button, FormField, Input, useToast } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { parseIntIn } from "./format";
import { AttributeList, MessageBody } from "./message-parts";
import type { ReceivedMessage } from "./types";

/** One received message with its receipt handle, and the actions a consumer has: delete, change visibility. */
export function ReceivedCard({
  tenant,
  queueName,
  m,
  onGone,
}: {
  tenant: string;
  queueName: string;
  m: ReceivedMessage;
  onGone: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [vis, setVis] = useState("0");
  const [visOpen, setVisOpen] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.queue.pathKey() });
  const del = useMutation(
    trpc.queue.deleteMessage.mutationOptions({
      onSuccess: async () => {
        toast("Message deleted");
        onGone();
        await refresh();
      },
    }),
  );
  const change = useMutation(
    trpc.queue.changeVisibility.mutationOptions({
      onSuccess: async (_r, input) => {
        toast(
          input.visibilityTimeout === 0
            ? "Message is visible again"
            : `Message hidden for ${input.visibilityTimeout} s`,
        );
        setVisOpen(false);
        if (input.visibilityTimeout === 0) onGone();
        await refresh();
      },
    }),
  );
  const visErr = parseIntIn(vis, 0, 43_200, "Visibility timeout").error;
  const sys = m.system as Record<string, string | undefined>;
  const sent = sys.SentTimestamp ? new Date(Number(sys.SentTimestamp)) : null;
  return (
    <li className="rounded-lg border border-gray-200 bg-white" data-testid="received-message">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-gray-100 px-4 py-2.5">
        <div className="flex min-w-0 flex-wrap items-center gap-2 text-xs">
          <span className="font-mono break-all text-gray-700">{m.messageId}</span>
          <Badge tone={Number(sys.ApproximateReceiveCount) > 1 ? "warning" : "neutral"}>
            Receive count {sys.ApproximateReceiveCount}
          </Badge>
          {sys.MessageGroupId && <Badge tone="accent">Group {sys.MessageGroupId}</Badge>}
        </div>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" onClick={() => setVisOpen((v) => !v)} aria-expanded={visOpen}>
            Change visibility
          </Button>
          <Button
            variant="secondary"
            size="sm"
            className="text-red-700"
            loading={del.isPending}
            onClick={() => del.mutate({ tenant, name: queueName, receiptHandle: m.receiptHandle })}
          >
            <Trash2 className="h-3.5 w-3.5" aria-hidden />
            Delete
          </Button>
        </div>
      </div>
      <div className="space-y-3 px-4 py-3">
        {visOpen && (
          <form
            className="flex flex-wrap items-end gap-2 rounded-md bg-gray-50 p-3"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (!visErr)
                change.mutate({
                  tenant,
                  name: queueName,
                  receiptHandle: m.receiptHandle,
                  visibilityTimeout: Number(vis),
                });
            }}
          >
            <div className="w-40">
              <FormField label="Hide for (seconds)" error={visErr ?? change.error?.message}>
                <Input inputMode="numeric" value={vis} onChange={(e) => setVis(e.target.value)} />
              </FormField>
            </div>
            <Button type="submit" size="md" loading={change.isPending} disabled={!!visErr}>
              Apply
            </Button>
            <p className="w-full text-xs text-gray-500">
              0 makes the message visible to other consumers at once; at most 12 hours from its first receive.
            </p>
          </form>
        )}
        {del.error && <Alert tone="danger">{del.error.message}</Alert>}
        <MessageBody body={m.body} />
        <AttributeList attributes={m.attributes} />
        <dl className="grid gap-x-6 gap-y-1 text-xs text-gray-500 sm:grid-cols-2">
          <div className="flex min-w-0 gap-2 sm:col-span-2">
            <dt className="shrink-0">Receipt handle</dt>
            <dd
              className="min-w-0 truncate font-mono text-gray-700"
              title={m.receiptHandle}
              data-testid="receipt-handle"
            >
              {m.receiptHandle}
            </dd>
          </div>
          <div className="flex gap-2">
            <dt>Sent</dt>
            <dd className="text-gray-700">{sent ? sent.toLocaleString() : "—"}</dd>
          </div>
          <div className="flex gap-2">
            <dt>MD5 of body</dt>
            <dd className="font-mono text-gray-700">{m.md5OfBody}</dd>
          </div>
          {sys.SequenceNumber && (
            <div className="flex gap-2">
              <dt>Sequence number</dt>
              <dd className="font-mono text-gray-700">{sys.SequenceNumber}</dd>
            </div>
          )}
          {sys.DeadLetterQueueSourceArn && (
            <div className="flex min-w-0 gap-2">
              <dt className="shrink-0">From</dt>
              <dd className="truncate font-mono text-gray-700">{sys.DeadLetterQueueSourceArn}</dd>
            </div>
          )}
        </dl>
      </div>
    </li>
  );
}
