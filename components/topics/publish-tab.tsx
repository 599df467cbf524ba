"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Activity, Plus, Send, Trash2 } from "lucide-react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  CopyButton,
  FormField,
  Input,
  RelativeTime,
  Select,
  Textarea,
  fieldErrorsOf,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { otherErrors } from "./form-errors";

type AttrRow = { name: string; type: string; value: string };
type RecentMessage = {
  id: string;
  body: string;
  subject: string | null;
  messageGroupId: string | null;
  sequenceNumber: string | null;
  createdAt: Date | string;
};

const STRUCTURE_TEMPLATE = `{\n  "default": "Fallback for every protocol not listed",\n  "sqs": "{\\"orderId\\":\\"1234\\"}",\n  "https": "{\\"orderId\\":\\"1234\\"}",\n  "email": "Order 1234 was placed"\n}`;
const SHOWN = [
  "message",
  "subject",
  "messageStructure",
  "messageGroupId",
  "messageDeduplicationId",
  "messageAttributes",
];

/** Publish a message from the console, as an application would, and see what was sent. */
export function PublishTab({
  tenant,
  topic,
  canWrite,
  onShowDeliveries,
}: {
  tenant: string;
  topic: { id: string; name: string; fifo: boolean; contentBasedDeduplication: boolean };
  canWrite: boolean;
  onShowDeliveries: (messageId: string) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [subject, setSubject] = useState("");
  const [message, setMessage] = useState("");
  const [structure, setStructure] = useState(false);
  const [attrs, setAttrs] = useState<AttrRow[]>([]);
  const [groupId, setGroupId] = useState("");
  const [dedupId, setDedupId] = useState("");
  const recent = useQuery(trpc.topic.messages.queryOptions({ tenant, topicId: topic.id, limit: 10 }));
  const publish = useMutation(
    trpc.topic.publish.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries({ queryKey: trpc.topic.messages.pathKey() });
        setDedupId("");
      },
    }),
  );
  const fe = fieldErrorsOf(publish.error);
  const attrErrors = Object.entries(fe).filter(([k]) => k.startsWith("messageAttributes"));
  const setRow = (i: number, patch: Partial<AttrRow>) =>
    setAttrs(attrs.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const rows = (recent.data ?? []) as RecentMessage[];
  return (
    <div className="grid gap-5 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <Card className="min-w-0">
        <CardHeader
          title="Publish a message"
          description={`Sent to every subscription of ${topic.name} whose filter policy matches.`}
        />
        <CardBody>
          {!canWrite ? (
            <p className="text-sm text-gray-500">Your role can see this topic but not publish to it.</p>
          ) : (
            <form
              className="space-y-4"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                const messageAttributes = Object.fromEntries(
                  attrs
                    .filter((a) => a.name.trim())
                    .map((a) => [
                      a.name.trim(),
                      a.type === "Binary"
                        ? { DataType: a.type, BinaryValue: a.value }
                        : { DataType: a.type, StringValue: a.value },
                    ]),
                );
                publish.mutate({
                  tenant,
                  topicId: topic.id,
                  message,
                  subject: subject.trim() || undefined,
                  messageStructure: structure ? "json" : undefined,
                  messageAttributes: Object.keys(messageAttributes).length ? messageAttributes : undefined,
                  messageGroupId: topic.fifo ? groupId.trim() || undefined : undefined,
                  messageDeduplicationId: topic.fifo ? dedupId.trim() || undefined : undefined,
                });
              }}
            >
              <FormField
                label="Subject (optional)"
                error={fe.subject}
                hint="Used as the email subject and carried in the SNS envelope."
              >
                <Input name="subject" value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={100} />
              </FormField>
              <div className="space-y-1.5">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <label htmlFor="publish-message" className="text-sm font-medium text-gray-800">
                    Message
                  </label>
                  <label className="flex items-center gap-2 text-sm text-gray-700">
                    <input
                      type="checkbox"
                      checked={structure}
                      onChange={(e) => {
                        setStructure(e.target.checked);
                        if (e.target.checked && !message.trim()) setMessage(STRUCTURE_TEMPLATE);
                      }}
                    />
                    A different message per protocol (MessageStructure json)
                  </label>
                </div>
                <Textarea
                  id="publish-message"
                  name="message"
                  rows={7}
                  spellCheck={false}
                  value={message}
                  onChange={(e) => setMessage(e.target.value)}
                  invalid={!!(fe.message ?? fe.messageStructure)}
                  placeholder='{"orderId": "1234", "amount": 120}'
                />
                {fe.message || fe.messageStructure ? (
                  <p className="text-sm text-red-600" role="alert">
                    {(fe.message ?? fe.messageStructure)![0]}
                  </p>
                ) : (
                  <p className="text-xs text-gray-500">
                    {structure
                      ? "A JSON object with a “default” key and optional keys per protocol (sqs, http, https, email, email-json)."
                      : "Any text up to 256 KiB; JSON is common."}
                  </p>
                )}
              </div>
              <fieldset className="space-y-2">
                <legend className="text-sm font-medium text-gray-800">Message attributes</legend>
                {attrs.length === 0 && (
                  <p className="text-xs text-gray-500">
                    None. Attributes are what filter policies with the MessageAttributes scope look at.
                  </p>
                )}
                {attrs.map((a, i) => (
                  <div key={i} className="grid grid-cols-[1fr_auto] gap-2 sm:grid-cols-[1fr_8.5rem_1fr_auto]">
                    <Input
                      aria-label={`Attribute ${i + 1} name`}
                      placeholder="Name"
                      value={a.name}
                      onChange={(e) => setRow(i, { name: e.target.value })}
                    />
                    <div className="order-last col-span-2 sm:order-none sm:col-span-1">
                      <Select
                        aria-label={`Attribute ${i + 1} type`}
                        value={a.type}
                        onChange={(e) => setRow(i, { type: e.target.value })}
                      >
                        <option>String</option>
                        <option>Number</option>
                        <option>String.Array</option>
                        <option>Binary</option>
                      </Select>
                    </div>
                    <div className="order-last col-span-2 sm:order-none sm:col-span-1">
                      <Input
                        aria-label={`Attribute ${i + 1} value`}
                        placeholder={
                          a.type === "Binary" ? "Base64" : a.type === "String.Array" ? '["a", "b"]' : "Value"
                        }
                        value={a.value}
                        onChange={(e) => setRow(i, { value: e.target.value })}
                      />
                    </div>
                    <Button
                      variant="ghost"
                      size="sm"
                      className="h-9"
                      aria-label={`Remove attribute ${i + 1}`}
                      onClick={() => setAttrs(attrs.filter((_, j) => j !== i))}
                    >
                      <Trash2 className="h-4 w-4" aria-hidden />
                    </Button>
                  </div>
                ))}
                {attrErrors.length > 0 && (
                  <p className="text-sm text-red-600" role="alert">
                    {attrErrors[0][1][0]}
                  </p>
                )}
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => setAttrs([...attrs, { name: "", type: "String", value: "" }])}
                >
                  <Plus className="h-4 w-4" aria-hidden />
                  Add attribute
                </Button>
              </fieldset>
              {topic.fifo && (
                <div className="grid gap-4 sm:grid-cols-2">
                  <FormField
                    label="Message group id"
                    error={fe.messageGroupId}
                    hint="Messages of one group are delivered in order."
                  >
                    <Input name="messageGroupId" value={groupId} onChange={(e) => setGroupId(e.target.value)} />
                  </FormField>
                  <FormField
                    label={topic.contentBasedDeduplication ? "Deduplication id (optional)" : "Deduplication id"}
                    error={fe.messageDeduplicationId}
                    hint={
                      topic.contentBasedDeduplication
                        ? "Empty: a hash of the body is used."
                        : "The same id within 5 minutes is published once."
                    }
                  >
                    <Input name="messageDeduplicationId" value={dedupId} onChange={(e) => setDedupId(e.target.value)} />
                  </FormField>
                </div>
              )}
              {otherErrors(publish.error, SHOWN) && attrErrors.length === 0 && (
                <Alert tone="danger">{otherErrors(publish.error, SHOWN)}</Alert>
              )}
              {publish.data && !publish.isPending && (
                <Alert
                  tone="success"
                  title="Published"
                  actions={
                    <Button size="sm" variant="secondary" onClick={() => onShowDeliveries(publish.data.messageId)}>
                      <Activity className="h-4 w-4" aria-hidden />
                      See its deliveries
                    </Button>
                  }
                >
                  <div className="text-xs">Message id</div>
                  <div className="mt-0.5 flex items-center gap-1">
                    <code
                      className="min-w-0 truncate font-mono text-xs"
                      data-testid="published-message-id"
                      title={publish.data.messageId}
                    >
                      {publish.data.messageId}
                    </code>
                    <CopyButton value={publish.data.messageId} label="Copy" variant="ghost" className="h-7 shrink-0" />
                  </div>
                  {publish.data.sequenceNumber && (
                    <div className="text-xs">Sequence number {publish.data.sequenceNumber}</div>
                  )}
                </Alert>
              )}
              <div className="flex justify-end">
                <Button type="submit" loading={publish.isPending}>
                  <Send className="h-4 w-4" aria-hidden />
                  Publish message
                </Button>
              </div>
            </form>
          )}
        </CardBody>
      </Card>
      <Card className="min-w-0">
        <CardHeader title="Recently published" description="The last messages of this topic, from any publisher." />
        {recent.isPending ? (
          <CardBody>
            <p className="text-sm text-gray-500">Loading…</p>
          </CardBody>
        ) : recent.error ? (
          <CardBody>
            <Alert tone="danger">{recent.error.message}</Alert>
          </CardBody>
        ) : rows.length === 0 ? (
          <CardBody>
            <p className="py-6 text-center text-sm text-gray-500">Nothing published yet.</p>
          </CardBody>
        ) : (
          <ul className="divide-y divide-gray-100">
            {rows.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  className="w-full px-5 py-3 text-left hover:bg-gray-50"
                  onClick={() => onShowDeliveries(m.id)}
                  title="Show this message's deliveries"
                >
                  <div className="flex items-center justify-between gap-3 text-xs text-gray-500">
                    <span className="truncate font-mono">{m.id}</span>
                    <RelativeTime date={m.createdAt} />
                  </div>
                  {m.subject && <div className="mt-0.5 truncate text-sm font-medium text-gray-900">{m.subject}</div>}
                  <div className="mt-0.5 truncate font-mono text-xs text-gray-700">{m.body}</div>
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
