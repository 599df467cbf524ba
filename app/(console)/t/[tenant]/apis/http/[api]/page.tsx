import type { Metadata } from "next";
import { HttpApiView } from "@/components/apis/v2/http-api-view";

export const metadata: Metadata = { title: "HTTP API · APIs" };

export default async function HttpApiPage({
  params,
  searchParams,
}: {
  params: Promise<{ api: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const { api } = await params;
  const sp = await searchParams;
  return <HttpApiView apiId={decodeURIComponent(api)} initialTab={sp.tab} />;
}
