"use client";
import { useEffect, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Dialog, FormField, Input, Textarea, fieldErrorsOf, useToast, FormDialogFooter } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { otherErrors } from "./form-errors";

type TopicSettings = {
  id: string;
  name: string;
  fifo: boolean;
  displayName: string | null;
  contentBasedDeduplication: boolean;
  deliveryPolicy: unknown;
};

const TOPIC_POLICY_EXAMPLE = JSON.stringify(
  {
    http: {
      defaultHealthyRetryPolicy: { numRetries: 3, minDelayTarget: 20, maxDelayTarget: 20, backoffFunction: "linear" },
      disableSubscriptionOverrides: false,
    },
  },
  null,
  2,
);

/** A topic's editable attributes: display name, HTTP delivery policy, content-based deduplication. */
export function TopicSettingsDialog({
  open,
  onClose,
  tenant,
  topic,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  topic: TopicSettings;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [displayName, setDisplayName] = useState("");
  const [policy, setPolicy] = useState("");
  const [dedup, setDedup] = useState(false);
  const initialPolicy = topic.deliveryPolicy ? JSON.stringify(topic.deliveryPolicy, null, 2) : "";
  useEffect(() => {
    if (!open) return;
    setDisplayName(topic.displayName ?? "");
    setPolicy(initialPolicy);
    setDedup(topic.contentBasedDeduplication);
  }, [open, topic, initialPolicy]);
  const save = useMutation(
    trpc.topic.update.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.topic.get.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.topic.list.pathKey() }),
        ]);
        toast("Topic settings saved");
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const close = () => {
    save.reset();
    onClose();
  };
  const shown = ["DisplayName", "displayName", "DeliveryPolicy", "deliveryPolicy"];
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Settings of ${topic.name}`}
      footer={
        <FormDialogFooter
          formId="topic-settings-form"
          submitLabel="Save settings"
          onCancel={close}
          loading={save.isPending}
        />
      }
    >
      <form
        id="topic-settings-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          // Only what changed: the stored policy is shown normalised, and re-sending it unchanged
          // would re-validate a shape the user never typed.
          save.mutate({
            tenant,
            id: topic.id,
            displayName: displayName.trim() !== (topic.displayName ?? "") ? displayName.trim() : undefined,
            deliveryPolicy: policy.trim() !== initialPolicy.trim() ? policy.trim() : undefined,
            contentBasedDeduplication: topic.fifo && dedup !== topic.contentBasedDeduplication ? dedup : undefined,
          });
        }}
      >
        <FormField
          label="Display name"
          error={fe.DisplayName ?? fe.displayName}
          hint="Shown as the sender of email notifications. Empty removes it."
        >
          <Input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={100} />
        </FormField>
        <FormField
          label="Delivery policy for HTTP/S subscriptions (JSON)"
          error={fe.DeliveryPolicy ?? fe.deliveryPolicy}
          hint="The default retry policy of this topic's webhook subscriptions. Empty uses AWS's default."
        >
          <Textarea
            rows={7}
            spellCheck={false}
            value={policy}
            onChange={(e) => setPolicy(e.target.value)}
            placeholder={TOPIC_POLICY_EXAMPLE}
          />
        </FormField>
        {topic.fifo && (
          <label className="flex items-start gap-3 text-sm">
            <input type="checkbox" className="mt-0.5" checked={dedup} onChange={(e) => setDedup(e.target.checked)} />
            <span>
              <span className="font-medium text-gray-900">Content-based deduplication</span>
              <span className="block text-xs text-gray-500">
                Use a SHA-256 of the message body when a publisher sends no deduplication id.
              </span>
            </span>
          </label>
        )}
        {otherErrors(save.error, shown) && <Alert tone="danger">{otherErrors(save.error, shown)}</Alert>}
      </form>
    </Dialog>
  );
}
