import { Badge } from "@/components/ui";

export function QueueTypeBadge({ fifo }: { fifo: boolean }) {
  return fifo ? <Badge tone="accent">FIFO</Badge> : <Badge>Standard</Badge>;
}

/** "DLQ" for a queue that some queue sends its failures to. */
export function DlqBadge() {
  return (
    <Badge tone="warning" className="cursor-default">
      <span title="Dead-letter queue: other queues move failed messages here">DLQ</span>
    </Badge>
  );
}
