"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Download, Plus, Send, Trash2 } from "lucide-react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  FormField,
  Input,
  Select,
  Textarea,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { formatBytes, parseIntIn, utf8Length } from "./format";
import { ReceivedCard } from "./received-message";
import type { QueueDetail, ReceivedMessage } from "./types";

type AttrRow = { name: string; dataType: "String" | "Number" | "Binary"; value: string };
const MAX_ATTRS = 10;

function attrRowError(a: AttrRow, all: AttrRow[]): string | null {
  if (!a.name.trim()) return "Name is required.";
  if (
    !/^[A-Za-z0-9_.-]{1,256}$/.test(a.name) ||
    a.name.startsWith(".") ||
    a.name.endsWith(".") ||
    a.name.includes("..")
  )
    return "Letters, digits, _ - and . (not at the start or end, not twice in a row).";
  if (/^(aws|amazon)\./i.test(a.name)) return "Names starting with AWS. or Amazon. are reserved.";
  if (all.filter((x) => x.name === a.name).length > 1) return "Each name only once.";
  if (!a.value) return "Value is required.";
  if (a.dataType === "Number" && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(a.value.trim())) return "Not a number.";
  if (a.dataType === "Binary" && !/^[A-Za-z0-9+/]+={0,2}$/.test(a.value.trim())) return "Binary values are base64.";
  return null;
}

function SendCard({ tenant, queue }: { tenant: string; queue: QueueDetail }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [body, setBody] = useState("");
  const [attrs, setAttrs] = useState<AttrRow[]>([]);
  const [groupId, setGroupId] = useState("");
  const [dedupId, setDedupId] = useState("");
  const [delay, setDelay] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [showAttrErrors, setShowAttrErrors] = useState(false);
  const cbd = !!queue.settings.contentBasedDeduplication;
  const send = useMutation(
    trpc.queue.send.mutationOptions({
      onSuccess: async (r) => {
        toast(`Message sent (${r.messageId.slice(0, 8)}…)`);
        setDedupId("");
        await qc.invalidateQueries({ queryKey: trpc.queue.pathKey() });
      },
    }),
  );
  const fe = fieldErrorsOf(send.error);
  const size = utf8Length(body);
  const attrErrors = attrs.map((a) => attrRowError(a, attrs));
  const submit = () => {
    const errs: Record<string, string> = {};
    if (!body) errs.body = "The message body cannot be empty.";
    else if (size > queue.settings.maximumMessageSize)
      errs.body = `The body is ${formatBytes(size)}; this queue accepts at most ${formatBytes(queue.settings.maximumMessageSize)}.`;
    if (queue.fifo) {
      if (!groupId.trim()) errs.groupId = "A FIFO queue needs a message group id.";
      else if (groupId.length > 128) errs.groupId = "At most 128 characters.";
      if (!dedupId.trim() && !cbd)
        errs.dedupId = "Enter a deduplication id (content-based deduplication is off for this queue).";
      else if (dedupId.length > 128) errs.dedupId = "At most 128 characters.";
    } else if (delay.trim()) {
      const d = parseIntIn(delay, 0, 900, "Delay");
      if (d.error) errs.delay = d.error;
    }
    setLocal(errs);
    setShowAttrErrors(true);
    if (Object.keys(errs).length || attrErrors.some(Boolean)) return;
    send.mutate({
      tenant,
      name: queue.name,
      body,
      ...(attrs.length
        ? { attributes: attrs.map((a) => ({ name: a.name, dataType: a.dataType, value: a.value.trim() })) }
        : {}),
      ...(queue.fifo
        ? { messageGroupId: groupId.trim(), ...(dedupId.trim() ? { messageDeduplicationId: dedupId.trim() } : {}) }
        : delay.trim()
          ? { delaySeconds: Number(delay) }
          : {}),
    });
  };
  const other =
    errorMessageOf(send.error) ??
    (Object.keys(fe).length &&
    !fe.body &&
    !fe.MessageBody &&
    !fe.messageGroupId &&
    !fe.MessageGroupId &&
    !fe.messageDeduplicationId &&
    !fe.MessageDeduplicationId &&
    !fe.delaySeconds &&
    !fe.DelaySeconds
      ? Object.values(fe)[0]?.[0]
      : null);
  return (
    <Card>
      <CardHeader
        title="Send a message"
        description="Like SendMessage: the message is stored durably before the console says it was sent."
      />
      <CardBody>
        <form
          noValidate
          aria-label="Send a message"
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <FormField
            label="Message body"
            error={local.body ?? fe.body ?? fe.MessageBody}
            hint={`${formatBytes(size)} of ${formatBytes(queue.settings.maximumMessageSize)}. Any text; JSON is common.`}
          >
            <Textarea
              rows={6}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              placeholder='{"orderId": 1234, "status": "paid"}'
              spellCheck={false}
            />
          </FormField>

          {queue.fifo ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField
                label="Message group id"
                error={local.groupId ?? fe.messageGroupId ?? fe.MessageGroupId}
                hint="Messages of one group are delivered in order, one batch at a time."
              >
                <Input value={groupId} onChange={(e) => setGroupId(e.target.value)} autoComplete="off" />
              </FormField>
              <FormField
                label={cbd ? "Deduplication id (optional)" : "Deduplication id"}
                error={local.dedupId ?? fe.messageDeduplicationId ?? fe.MessageDeduplicationId}
                hint={
                  cbd
                    ? "Empty: the SHA-256 of the body is used (content-based deduplication)."
                    : "A second message with the same id within 5 minutes is accepted but not delivered."
                }
              >
                <Input value={dedupId} onChange={(e) => setDedupId(e.target.value)} autoComplete="off" />
              </FormField>
            </div>
          ) : (
            <div className="sm:w-96">
              <FormField
                label="Delivery delay (seconds)"
                error={local.delay ?? fe.delaySeconds ?? fe.DelaySeconds}
                hint={`0 – 900; empty uses the queue's delay (${queue.settings.delaySeconds} s).`}
              >
                <Input
                  inputMode="numeric"
                  value={delay}
                  onChange={(e) => setDelay(e.target.value)}
                  placeholder={String(queue.settings.delaySeconds)}
                />
              </FormField>
            </div>
          )}

          <fieldset>
            <legend className="text-sm font-medium text-gray-800">
              Message attributes{" "}
              <span className="font-normal text-gray-500">
                ({attrs.length} of {MAX_ATTRS})
              </span>
            </legend>
            {attrs.length > 0 && (
              <div className="mt-2 space-y-3">
                {attrs.map((a, i) => (
                  <div key={i}>
                    <div className="grid gap-2 sm:grid-cols-[1fr_9rem_1fr_auto]">
                      <Input
                        aria-label={`Attribute ${i + 1} name`}
                        placeholder="Name"
                        value={a.name}
                        invalid={showAttrErrors && !!attrErrors[i]}
                        onChange={(e) => setAttrs(attrs.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
                      />
                      <Select
                        aria-label={`Attribute ${i + 1} type`}
                        value={a.dataType}
                        onChange={(e) =>
                          setAttrs(
                            attrs.map((x, j) =>
                              j === i ? { ...x, dataType: e.target.value as AttrRow["dataType"] } : x,
                            ),
                          )
                        }
                      >
                        <option>String</option>
                        <option>Number</option>
                        <option>Binary</option>
                      </Select>
                      <Input
                        aria-label={`Attribute ${i + 1} value`}
                        placeholder={a.dataType === "Binary" ? "base64" : "Value"}
                        value={a.value}
                        invalid={showAttrErrors && !!attrErrors[i]}
                        onChange={(e) => setAttrs(attrs.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
                      />
                      <Button
                        variant="ghost"
                        aria-label={`Remove attribute ${i + 1}`}
                        onClick={() => setAttrs(attrs.filter((_, j) => j !== i))}
                      >
                        <Trash2 className="h-4 w-4" aria-hidden />
                      </Button>
                    </div>
                    {showAttrErrors && attrErrors[i] && (
                      <p className="mt-1 text-sm text-red-600" role="alert">
                        {attrErrors[i]}
                      </p>
                    )}
                  </div>
                ))}
              </div>
            )}
            {(fe.attributes ?? fe.MessageAttributes) && (
              <p className="mt-1 text-sm text-red-600" role="alert">
                {(fe.attributes ?? fe.MessageAttributes)[0]}
              </p>
            )}
            <Button
              variant="secondary"
              size="sm"
              className="mt-2"
              disabled={attrs.length >= MAX_ATTRS}
              onClick={() => setAttrs([...attrs, { name: "", dataType: "String", value: "" }])}
            >
              <Plus className="h-4 w-4" aria-hidden />
              Add attribute
            </Button>
          </fieldset>

          {other && <Alert tone="danger">{other}</Alert>}
          {send.data && !send.isPending && !send.error && (
            <Alert tone="success" title="Message sent">
              <span className="font-mono text-xs break-all">
                MessageId {send.data.messageId}
                {send.data.sequenceNumber ? ` · SequenceNumber ${send.data.sequenceNumber}` : ""} · MD5{" "}
                {send.data.md5OfMessageBody}
              </span>
            </Alert>
          )}
          <div className="flex justify-end">
            <Button type="submit" loading={send.isPending}>
              <Send className="h-4 w-4" aria-hidden />
              Send message
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

export type ReceivedState = [ReceivedMessage[], (f: (old: ReceivedMessage[]) => ReceivedMessage[]) => void];

function PollCard({
  tenant,
  queue,
  receivedState,
}: {
  tenant: string;
  queue: QueueDetail;
  receivedState: ReceivedState;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [wait, setWait] = useState(String(Math.min(queue.settings.receiveMessageWaitTimeSeconds || 5, 20)));
  const [max, setMax] = useState("10");
  const [vis, setVis] = useState("");
  // Kept by the page, so switching tabs does not lose the receipt handles.
  const [received, setReceived] = receivedState;
  const [polled, setPolled] = useState(false);
  const receive = useMutation(
    trpc.queue.receive.mutationOptions({
      onSuccess: async (msgs) => {
        setPolled(true);
        // Newest receive first; a message received again replaces its old (now stale) handle.
        setReceived((old) => [...msgs, ...old.filter((o) => !msgs.some((n) => n.messageId === o.messageId))]);
        await qc.invalidateQueries({ queryKey: trpc.queue.pathKey() });
      },
    }),
  );
  const w = parseIntIn(wait, 0, 20, "Wait time");
  const mx = parseIntIn(max, 1, 10, "Maximum messages");
  const v = vis.trim() ? parseIntIn(vis, 0, 43_200, "Visibility timeout") : {};
  const invalid = !!(w.error || mx.error || v.error);
  return (
    <Card>
      <CardHeader
        title="Receive messages"
        description="Like ReceiveMessage: received messages become invisible to other consumers for the visibility timeout and their receive count goes up."
      />
      <CardBody className="space-y-4">
        <form
          noValidate
          aria-label="Poll for messages"
          className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_1fr_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            if (invalid) return;
            receive.mutate({
              tenant,
              name: queue.name,
              waitTimeSeconds: w.value!,
              maxMessages: mx.value!,
              ...(v.value !== undefined ? { visibilityTimeout: v.value } : {}),
            });
          }}
        >
          <FormField label="Wait time (s)" error={w.error} hint="0 – 20; long polling">
            <Input inputMode="numeric" value={wait} onChange={(e) => setWait(e.target.value)} />
          </FormField>
          <FormField label="Max messages" error={mx.error} hint="1 – 10">
            <Input inputMode="numeric" value={max} onChange={(e) => setMax(e.target.value)} />
          </FormField>
          <FormField
            label="Visibility timeout (s)"
            error={v.error}
            hint={`Empty: queue's ${queue.settings.visibilityTimeout} s`}
          >
            <Input
              inputMode="numeric"
              value={vis}
              onChange={(e) => setVis(e.target.value)}
              placeholder={String(queue.settings.visibilityTimeout)}
            />
          </FormField>
          <div className="sm:pt-6">
            <Button type="submit" loading={receive.isPending} disabled={invalid} className="w-full sm:w-auto">
              <Download className="h-4 w-4" aria-hidden />
              {receive.isPending ? "Polling…" : "Poll for messages"}
            </Button>
          </div>
        </form>
        {receive.error && <Alert tone="danger">{receive.error.message}</Alert>}
        {polled && receive.data?.length === 0 && !receive.isPending && (
          <p className="text-sm text-gray-500" role="status">
            No messages available{w.value ? ` within ${w.value} s` : ""}. In-flight and delayed messages are not
            returned until they become visible.
          </p>
        )}
        {received.length > 0 && (
          <div>
            <div className="mb-2 flex items-center justify-between">
              <h3 className="text-sm font-semibold text-gray-900">Received ({received.length})</h3>
              <Button variant="ghost" size="sm" onClick={() => setReceived(() => [])}>
                Clear list
              </Button>
            </div>
            <ul className="space-y-3" aria-label="Received messages">
              {received.map((m) => (
                <ReceivedCard
                  key={m.receiptHandle}
                  tenant={tenant}
                  queueName={queue.name}
                  m={m}
                  onGone={() => setReceived((r) => r.filter((x) => x.receiptHandle !== m.receiptHandle))}
                />
              ))}
            </ul>
            <p className="mt-2 text-xs text-gray-500">
              Clearing the list does not delete anything: messages not deleted come back after their visibility timeout.
            </p>
          </div>
        )}
      </CardBody>
    </Card>
  );
}

export function SendReceiveTab({
  tenant,
  queue,
  receivedState,
}: {
  tenant: string;
  queue: QueueDetail;
  receivedState: ReceivedState;
}) {
  return (
    <div className="space-y-6">
      <SendCard tenant={tenant} queue={queue} />
      <PollCard tenant={tenant} queue={queue} receivedState={receivedState} />
    </div>
  );
}
