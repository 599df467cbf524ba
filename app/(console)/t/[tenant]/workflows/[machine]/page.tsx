import type { Metadata } from "next";
import { MachineDetailView } from "@/components/workflows/machine-detail-view";

export async function generateMetadata({ params }: { params: Promise<{ machine: string }> }): Promise<Metadata> {
  const { machine } = await params;
  return { title: `${decodeURIComponent(machine)} · Workflows` };
}

export default async function MachinePage({
  params,
  searchParams,
}: {
  params: Promise<{ machine: string }>;
  searchParams: Promise<{ tab?: string }>;
}) {
  const { machine } = await params;
  const sp = await searchParams;
  return <MachineDetailView name={decodeURIComponent(machine)} initialTab={sp.tab} />;
}
