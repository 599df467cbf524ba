import type { Metadata } from "next";
import { QueueListView } from "@/components/queues/queue-list-view";

export const metadata: Metadata = { title: "Queues" };

export default function QueuesPage() {
  return <QueueListView />;
}
