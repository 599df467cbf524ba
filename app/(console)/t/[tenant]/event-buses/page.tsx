import type { Metadata } from "next";
import { BusListView } from "@/components/events/bus-list-view";

export const metadata: Metadata = { title: "Event buses" };

export default function EventBusesPage() {
  return <BusListView />;
}
