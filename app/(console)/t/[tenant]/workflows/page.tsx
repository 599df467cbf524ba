import type { Metadata } from "next";
import { Workflow } from "lucide-react";
import { NotAvailableYet } from "@/components/layout/not-available";

export const metadata: Metadata = { title: "Workflows" };

export default function WorkflowsPage() {
  return (
    <NotAvailableYet
      title="Workflows"
      description="Step Functions-compatible state machines written in Amazon States Language."
      icon={<Workflow className="h-5 w-5" aria-hidden />}
      plans={[
        "Define state machines in Amazon States Language and start executions from the SDK or the console",
        "Follow each execution step by step, with inputs, outputs and errors",
        "Retry, catch and wait states run by the Signalbox workers",
      ]}
    />
  );
}
