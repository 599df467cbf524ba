import type { Metadata } from "next";
import { ExecutionView } from "@/components/workflows/execution-view";

export async function generateMetadata({ params }: { params: Promise<{ execution: string }> }): Promise<Metadata> {
  const { execution } = await params;
  return { title: `${decodeURIComponent(execution)} · Executions` };
}

/** An execution; `?mapRun=<label>` opens a Distributed Map's child execution (…:execution:<machine>/<label>:<name>). */
export default async function ExecutionPage({
  params,
  searchParams,
}: {
  params: Promise<{ machine: string; execution: string }>;
  searchParams: Promise<{ mapRun?: string | string[] }>;
}) {
  const { machine, execution } = await params;
  const { mapRun } = await searchParams;
  return (
    <ExecutionView
      machine={decodeURIComponent(machine)}
      name={decodeURIComponent(execution)}
      mapRun={typeof mapRun === "string" && mapRun ? mapRun : undefined}
    />
  );
}
