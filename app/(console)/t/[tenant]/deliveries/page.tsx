import type { Metadata } from "next";
import { DeliveriesView } from "@/components/deliveries/deliveries-view";

export const metadata: Metadata = { title: "Deliveries" };

export default async function DeliveriesPage({
  searchParams,
}: {
  searchParams: Promise<{ subscription?: string; message?: string; source?: string }>;
}) {
  const sp = await searchParams;
  return (
    <DeliveriesView
      subscriptionId={sp.subscription ?? null}
      messageId={sp.message ?? ""}
      sourceArn={sp.source ?? null}
    />
  );
}
