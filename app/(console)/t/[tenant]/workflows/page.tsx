import type { Metadata } from "next";
import { MachinesView } from "@/components/workflows/machines-view";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage({ searchParams }: { searchParams: Promise<{ view?: string }> }) {
  const sp = await searchParams;
  return <MachinesView initialView={sp.view} />;
}
