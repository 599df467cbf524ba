import type { Metadata } from "next";
import { ApiListView } from "@/components/apis/api-list-view";

export const metadata: Metadata = { title: "APIs" };

export default async function ApisPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const sp = await searchParams;
  return <ApiListView initialView={sp.view} />;
}
