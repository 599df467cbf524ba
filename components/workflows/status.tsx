import { Badge, type BadgeTone } from "@/components/ui";

const TONE: Record<string, BadgeTone> = {
  RUNNING: "info",
  SUCCEEDED: "success",
  FAILED: "danger",
  TIMED_OUT: "danger",
  ABORTED: "neutral",
  PENDING_REDRIVE: "warning",
};

const LABEL: Record<string, string> = {
  RUNNING: "Running",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  TIMED_OUT: "Timed out",
  ABORTED: "Aborted",
  PENDING_REDRIVE: "Pending redrive",
};

/** An execution's status as a badge (the dot pulses while it runs). */
export function ExecutionStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={TONE[status] ?? "neutral"} dot>
      <span data-testid="execution-status" data-status={status}>
        {LABEL[status] ?? status}
      </span>
    </Badge>
  );
}

export const EXECUTION_STATUSES = Object.keys(LABEL);
export const statusLabel = (s: string) => LABEL[s] ?? s;

/** Paths inside the workflows section. */
export const workflowsPath = {
  machine: (machine: string, tab?: string) => `workflows/${encodeURIComponent(machine)}${tab ? `?tab=${tab}` : ""}`,
  execution: (machine: string, execution: string, mapRun?: string) =>
    `workflows/${encodeURIComponent(machine)}/executions/${encodeURIComponent(execution)}${
      mapRun ? `?mapRun=${encodeURIComponent(mapRun)}` : ""
    }`,
};
