import type { Metadata } from "next";
import { RuleDetailView } from "@/components/events/rule-detail-view";

export async function generateMetadata({ params }: { params: Promise<{ rule: string }> }): Promise<Metadata> {
  const { rule } = await params;
  return { title: `${decodeURIComponent(rule)} · Rules` };
}

export default async function RulePage({
  params,
  searchParams,
}: {
  params: Promise<{ bus: string; rule: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const { bus, rule } = await params;
  const sp = await searchParams;
  return <RuleDetailView bus={decodeURIComponent(bus)} name={decodeURIComponent(rule)} initialTab={sp.tab} />;
}
