"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Dialog, FormField, Input, fieldErrorsOf, useToast, FormDialogFooter } from "@/components/ui";
import { otherErrors } from "./form-errors";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { finalTopicName, topicNameProblem } from "./topic-name";

export type CreatedTopic = RouterOutputs["topic"]["create"];

/** Create a Standard or FIFO topic. FIFO names end with .fifo (added for you). */
export function CreateTopicDialog({
  open,
  onClose,
  onCreated,
  tenant,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (t: CreatedTopic) => void;
  tenant: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [fifo, setFifo] = useState(false);
  const [displayName, setDisplayName] = useState("");
  const [dedup, setDedup] = useState(false);
  const [touched, setTouched] = useState(false);
  const create = useMutation(
    trpc.topic.create.mutationOptions({
      onSuccess: async (t) => {
        await qc.invalidateQueries({ queryKey: trpc.topic.list.pathKey() });
        toast(`Topic “${t.name}” created`);
        setName("");
        setFifo(false);
        setDisplayName("");
        setDedup(false);
        setTouched(false);
        onCreated(t);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const local = touched ? topicNameProblem(name.trim(), fifo) : null;
  const close = () => {
    create.reset();
    setTouched(false);
    onClose();
  };
  const finalName = finalTopicName(name.trim(), fifo);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create topic"
      description="Publishers send a message to the topic once; every subscription (queues, webhooks, email) gets a copy."
      footer={
        <FormDialogFooter
          formId="create-topic-form"
          submitLabel="Create topic"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-topic-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (topicNameProblem(name.trim(), fifo)) return;
          create.mutate({
            tenant,
            name: name.trim(),
            fifo,
            displayName: displayName.trim() || undefined,
            contentBasedDeduplication: fifo ? dedup : undefined,
          });
        }}
      >
        <fieldset>
          <legend className="text-sm font-medium text-gray-800">Type</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {[
              {
                v: false,
                title: "Standard",
                text: "Best-effort ordering, at-least-once delivery to every kind of subscriber.",
              },
              { v: true, title: "FIFO", text: "Strict order per message group and deduplication. FIFO queues only." },
            ].map((o) => (
              <label
                key={o.title}
                className={`flex cursor-pointer gap-3 rounded-lg border p-3 text-sm ${fifo === o.v ? "border-accent-500 bg-accent-50/60 ring-1 ring-accent-500" : "border-gray-300 hover:bg-gray-50"}`}
              >
                <input
                  type="radio"
                  name="type"
                  className="mt-0.5"
                  checked={fifo === o.v}
                  onChange={() => setFifo(o.v)}
                />
                <span>
                  <span className="block font-medium text-gray-900">{o.title}</span>
                  <span className="block text-xs text-gray-500">{o.text}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <FormField
          label="Name"
          error={local ?? fe.name}
          hint={
            fifo
              ? name
                ? `The topic will be named “${finalName}”.`
                : "Letters, numbers, - and _; “.fifo” is added for you."
              : "Letters, numbers, hyphens and underscores, up to 256 characters."
          }
        >
          <Input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => setTouched(true)}
            autoComplete="off"
            placeholder={fifo ? "orders.fifo" : "orders"}
            data-autofocus
          />
        </FormField>
        <FormField
          label="Display name (optional)"
          error={fe.DisplayName ?? fe.displayName}
          hint="Shown as the sender of email notifications."
        >
          <Input
            name="displayName"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            maxLength={100}
          />
        </FormField>
        {fifo && (
          <label className="flex items-start gap-3 text-sm">
            <input type="checkbox" className="mt-0.5" checked={dedup} onChange={(e) => setDedup(e.target.checked)} />
            <span>
              <span className="font-medium text-gray-900">Content-based deduplication</span>
              <span className="block text-xs text-gray-500">
                Use a SHA-256 of the message body as the deduplication id, so publishers need not send one.
              </span>
            </span>
          </label>
        )}
        {otherErrors(create.error, ["name", "DisplayName", "displayName"]) && (
          <Alert tone="danger">{otherErrors(create.error, ["name", "DisplayName", "displayName"])}</Alert>
        )}
      </form>
    </Dialog>
  );
}
