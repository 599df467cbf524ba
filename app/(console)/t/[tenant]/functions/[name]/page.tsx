import type { Metadata } from "next";
import { FunctionDetailView } from "@/components/functions/function-detail-view";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: `${decodeURIComponent(name)} · Functions` };
}

export default async function FunctionPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <FunctionDetailView name={decodeURIComponent(name)} />;
}
