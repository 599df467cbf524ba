"use client";
import { PageHeader } from "@/components/ui";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { DeliveriesDashboard } from "./deliveries-dashboard";

/** /t/<slug>/deliveries: every delivery of the team, for the people who keep them flowing. */
export function DeliveriesView({
  subscriptionId,
  messageId,
  sourceArn = null,
}: {
  subscriptionId: string | null;
  messageId: string;
  sourceArn?: string | null;
}) {
  const tenant = useCurrentTenant();
  return (
    <div>
      <PageHeader
        title="Deliveries"
        description="Every attempt to deliver a published message to a queue, webhook or email address: how many succeed, what fails and why, and the tools to send them again."
      />
      <DeliveriesDashboard
        tenant={tenant.slug}
        initialSubscriptionId={subscriptionId}
        initialMessageId={messageId}
        initialSourceArn={sourceArn}
      />
    </div>
  );
}
