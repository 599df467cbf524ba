"use client";
import { useState } from "react";
import Link from "next/link";
import { Pencil } from "lucide-react";
import { Button, Card, CardBody, CardHeader, KeyValue, RelativeTime } from "@/components/ui";
import { tenantPath } from "@/lib/use-tenant";
import { EditQueueForm } from "./edit-queue-form";
import { DangerZone } from "./danger-zone";
import { TagsCard } from "./tags-card";
import { formatBytes, formatDuration, nameFromArn } from "./format";
import type { QueueDetail } from "./types";

export function OverviewTab({ tenant, queue, write }: { tenant: string; queue: QueueDetail; write: boolean }) {
  const [editing, setEditing] = useState(false);
  const s = queue.settings;
  const link = (arn: string) => (
    <Link
      href={tenantPath(tenant, "queues", encodeURIComponent(nameFromArn(arn)))}
      className="text-accent-700 hover:underline"
    >
      {nameFromArn(arn)}
    </Link>
  );
  const items = [
    { label: "Visibility timeout", value: formatDuration(s.visibilityTimeout) },
    { label: "Message retention period", value: formatDuration(s.messageRetentionPeriod) },
    { label: "Maximum message size", value: formatBytes(s.maximumMessageSize) },
    { label: "Delivery delay", value: formatDuration(s.delaySeconds) },
    { label: "Receive message wait time", value: formatDuration(s.receiveMessageWaitTimeSeconds) },
    {
      label: "Dead-letter queue",
      value: s.redrivePolicy ? (
        <>
          {link(s.redrivePolicy.deadLetterTargetArn)} after {s.redrivePolicy.maxReceiveCount}{" "}
          {s.redrivePolicy.maxReceiveCount === 1 ? "receive" : "receives"}
        </>
      ) : (
        <span className="text-gray-500">None</span>
      ),
    },
    {
      label: "Redrive allow policy",
      value:
        !s.redriveAllowPolicy || s.redriveAllowPolicy.redrivePermission === "allowAll" ? (
          "Any queue may use this queue as its dead-letter queue"
        ) : s.redriveAllowPolicy.redrivePermission === "denyAll" ? (
          "No queue may use this queue as its dead-letter queue"
        ) : (
          <>Only: {(s.redriveAllowPolicy.sourceQueueArns ?? []).map(nameFromArn).join(", ")}</>
        ),
    },
    ...(queue.fifo
      ? [
          { label: "Content-based deduplication", value: s.contentBasedDeduplication ? "On" : "Off" },
          { label: "Deduplication scope", value: s.deduplicationScope === "messageGroup" ? "Message group" : "Queue" },
          {
            label: "FIFO throughput limit",
            value: s.fifoThroughputLimit === "perMessageGroupId" ? "Per message group id" : "Per queue",
          },
        ]
      : []),
    { label: "Created", value: <RelativeTime date={queue.createdAt} /> },
    { label: "Last modified", value: <RelativeTime date={queue.modifiedAt} /> },
  ];
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title={editing ? "Edit settings" : "Settings"}
          description={
            editing
              ? "Changes apply to new receives at once, like SetQueueAttributes."
              : "The queue's attributes, as GetQueueAttributes returns them."
          }
          actions={
            write && !editing ? (
              <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
                <Pencil className="h-3.5 w-3.5" aria-hidden />
                Edit
              </Button>
            ) : undefined
          }
        />
        <CardBody className={editing ? undefined : "py-1"}>
          {editing ? (
            <EditQueueForm tenant={tenant} queue={queue} onDone={() => setEditing(false)} />
          ) : (
            // KeyValue breaks anywhere (made for ids); these values are words.
            <KeyValue items={items.map((it) => ({ ...it, value: <span className="break-normal">{it.value}</span> }))} />
          )}
        </CardBody>
      </Card>

      <TagsCard tenant={tenant} name={queue.name} tags={(queue.tags ?? {}) as Record<string, string>} write={write} />

      {write && (
        <DangerZone
          tenant={tenant}
          name={queue.name}
          messages={queue.counts.visible + queue.counts.inFlight + queue.counts.delayed}
        />
      )}
    </div>
  );
}
