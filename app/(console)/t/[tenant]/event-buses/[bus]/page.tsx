import type { Metadata } from "next";
import { BusDetailView } from "@/components/events/bus-detail-view";

export async function generateMetadata({ params }: { params: Promise<{ bus: string }> }): Promise<Metadata> {
  const { bus } = await params;
  return { title: `${decodeURIComponent(bus)} · Event buses` };
}

export default async function EventBusPage({
  params,
  searchParams,
}: {
  params: Promise<{ bus: string }>;
  searchParams: Promise<{ tab?: string; event?: string }>;
}) {
  const { bus } = await params;
  const sp = await searchParams;
  return <BusDetailView name={decodeURIComponent(bus)} initialTab={sp.tab} initialEventId={sp.event} />;
}
