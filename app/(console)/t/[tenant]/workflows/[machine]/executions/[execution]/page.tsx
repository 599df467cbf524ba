import type { Metadata } from "next";
import { ExecutionView } from "@/components/workflows/execution-view";

export async function generateMetadata({ params }: { params: Promise<{ execution: string }> }): Promise<Metadata> {
  const { execution } = await params;
  return { title: `${decodeURIComponent(execution)} · Executions` };
}

export default async function ExecutionPage({ params }: { params: Promise<{ machine: string; execution: string }> }) {
  const { machine, execution } = await params;
  return <ExecutionView machine={decodeURIComponent(machine)} name={decodeURIComponent(execution)} />;
}
