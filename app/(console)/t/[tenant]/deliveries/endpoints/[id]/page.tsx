import type { Metadata } from "next";
import { EndpointView } from "@/components/deliveries/endpoint-view";

export const metadata: Metadata = { title: "Endpoint · Deliveries" };

export default async function EndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EndpointView subscriptionId={decodeURIComponent(id)} />;
}
