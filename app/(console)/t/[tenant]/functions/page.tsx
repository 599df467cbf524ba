import type { Metadata } from "next";
import { FunctionsView } from "@/components/functions/functions-view";

export const metadata: Metadata = { title: "Functions" };

export default function FunctionsPage() {
  return <FunctionsView />;
}
