import type { Metadata } from "next";
import { ApiDetailView } from "@/components/apis/api-detail-view";

export const metadata: Metadata = { title: "API · APIs" };

export default async function ApiPage({
  params,
  searchParams,
}: {
  params: Promise<{ api: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const { api } = await params;
  const sp = await searchParams;
  return <ApiDetailView apiId={decodeURIComponent(api)} initialTab={sp.tab} />;
}
