import type { Metadata } from "next";
import { WsApiView } from "@/components/apis/v2/ws-api-view";

export const metadata: Metadata = { title: "WebSocket API · APIs" };

export default async function WsApiPage({
  params,
  searchParams,
}: {
  params: Promise<{ api: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const { api } = await params;
  const sp = await searchParams;
  return <WsApiView apiId={decodeURIComponent(api)} initialTab={sp.tab} />;
}
