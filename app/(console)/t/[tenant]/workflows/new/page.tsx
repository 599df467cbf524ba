import type { Metadata } from "next";
import { NewMachineView } from "@/components/workflows/new-machine-view";

export const metadata: Metadata = { title: "Create state machine · Workflows" };

export default function NewMachinePage() {
  return <NewMachineView />;
}
