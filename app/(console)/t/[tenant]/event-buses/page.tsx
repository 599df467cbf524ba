import type { Metadata } from "next";
import { Network } from "lucide-react";
import { NotAvailableYet } from "@/components/layout/not-available";

export const metadata: Metadata = { title: "Event buses" };

export default function EventBusesPage() {
  return (
    <NotAvailableYet
      title="Event buses"
      description="EventBridge-compatible event buses: route events to targets by pattern."
      icon={<Network className="h-5 w-5" aria-hidden />}
      plans={[
        "Create event buses and put events with the AWS SDK (EventBridge JSON 1.1 protocol)",
        "Write rules with event patterns and send matching events to queues, topics, workflows or webhooks",
        "Schedule rules and see every delivery attempt",
      ]}
    />
  );
}
