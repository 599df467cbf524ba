import type { Metadata } from "next";
import { BusListView } from "@/components/events/bus-list-view";

export const metadata: Metadata = { title: "Event buses" };

export default async function EventBusesPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const sp = await searchParams;
  return <BusListView initialView={sp.view} />;
}
