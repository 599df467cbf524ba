import type { Metadata } from "next";
import { NewRuleView } from "@/components/events/rule-detail-view";

export const metadata: Metadata = { title: "Create rule · Event buses" };

export default async function NewRulePage({ params }: { params: Promise<{ bus: string }> }) {
  const { bus } = await params;
  return <NewRuleView bus={decodeURIComponent(bus)} />;
}
