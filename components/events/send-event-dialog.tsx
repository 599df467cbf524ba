"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CheckCircle2 } from "lucide-react";
import { Alert, Button, Dialog, FormField, Input, Textarea, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";

const SAMPLE_DETAIL = `{\n  "orderId": "1234",\n  "status": "paid",\n  "amount": 42.5\n}`;

/** PutEvents from the console: one entry, answered with its event id (or AWS's per-entry error). */
export function SendEventDialog({
  open,
  onClose,
  tenant,
  bus,
  onFollow,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  bus: string;
  onFollow: (eventId: string) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [source, setSource] = useState("com.example.orders");
  const [detailType, setDetailType] = useState("Order Paid");
  const [detail, setDetail] = useState(SAMPLE_DETAIL);
  const [resources, setResources] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const send = useMutation(
    trpc.events.putEvent.mutationOptions({
      onSuccess: async (r) => {
        setSent(r.eventId);
        toast("Event sent");
        await qc.invalidateQueries({ queryKey: trpc.events.events.pathKey() });
      },
    }),
  );
  const fe = fieldErrorsOf(send.error);
  const close = () => {
    send.reset();
    setSent(null);
    onClose();
  };
  const other = otherErrors(send.error, ["source", "detailType", "detail", "resources"]);
  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="Send event"
      description={`Puts one event on “${bus}”, exactly as PutEvents from an application would: every enabled rule whose pattern matches sends it to its targets.`}
      footer={
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Close
          </Button>
          <Button type="submit" form="send-event-form" loading={send.isPending}>
            Send event
          </Button>
        </div>
      }
    >
      <form
        id="send-event-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSent(null);
          send.mutate({
            tenant,
            bus,
            source: source.trim(),
            detailType: detailType.trim(),
            detail,
            resources: resources
              .split(/[\n,]/)
              .map((r) => r.trim())
              .filter(Boolean),
          });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Source" error={fe.source} hint="Who sent it, e.g. com.example.orders">
            <Input value={source} onChange={(e) => setSource(e.target.value)} autoComplete="off" data-autofocus />
          </FormField>
          <FormField label="Detail type" error={fe.detailType} hint="What happened, e.g. Order Paid">
            <Input value={detailType} onChange={(e) => setDetailType(e.target.value)} autoComplete="off" />
          </FormField>
        </div>
        <FormField label="Detail (JSON object)" error={fe.detail}>
          <Textarea rows={8} spellCheck={false} value={detail} onChange={(e) => setDetail(e.target.value)} />
        </FormField>
        <FormField label="Resources (optional)" error={fe.resources} hint="ARNs, one per line">
          <Textarea rows={2} spellCheck={false} value={resources} onChange={(e) => setResources(e.target.value)} />
        </FormField>
        {other && <Alert tone="danger">{other}</Alert>}
        {sent && (
          <Alert
            tone="success"
            title="Event accepted"
            actions={
              <Button size="sm" variant="secondary" onClick={() => onFollow(sent)}>
                Follow it in the explorer
              </Button>
            }
          >
            <span className="flex items-center gap-1.5">
              <CheckCircle2 className="h-4 w-4" aria-hidden />
              Event id{" "}
              <code className="font-mono text-xs" data-testid="sent-event-id">
                {sent}
              </code>
            </span>
          </Alert>
        )}
      </form>
    </Dialog>
  );
}
