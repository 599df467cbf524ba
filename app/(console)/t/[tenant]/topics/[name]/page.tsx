import type { Metadata } from "next";
import { TopicDetailView } from "@/components/topics/topic-detail-view";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: `${decodeURIComponent(name)} · Topics` };
}

export default async function TopicPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ tab?: string; subscription?: string }>;
}) {
  const { name } = await params;
  const sp = await searchParams;
  return (
    <TopicDetailView
      name={decodeURIComponent(name)}
      initialTab={sp.tab}
      initialSubscriptionId={sp.subscription ?? null}
    />
  );
}
