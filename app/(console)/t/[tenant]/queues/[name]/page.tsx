import { Suspense } from "react";
import type { Metadata } from "next";
import { LoadingBlock } from "@/components/ui";
import { QueueDetailView } from "@/components/queues/queue-detail-view";

type Params = Promise<{ tenant: string; name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `${decodeURIComponent(name)} · Queues` };
}

export default async function QueuePage({ params }: { params: Params }) {
  const { name } = await params;
  // The tab lives in ?tab=, read with useSearchParams: it needs a Suspense boundary.
  return (
    <Suspense fallback={<LoadingBlock label="Loading queue…" />}>
      <QueueDetailView key={name} name={decodeURIComponent(name)} />
    </Suspense>
  );
}
