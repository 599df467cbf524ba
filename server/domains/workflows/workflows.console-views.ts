// The workflows router's output shapes (what the console pages show). Dates stay Date objects
// (superjson carries them). History events keep AWS's GetExecutionHistory shape.

export type MachineType = "STANDARD" | "EXPRESS";

export interface MachineSummary {
  name: string;
  arn: string;
  type: MachineType;
  createdAt: Date;
  /** Published versions and aliases (0 when unknown, e.g. right after create). */
  versionCount: number;
  aliasCount: number;
  /** The newest top-level execution (Express ones included: status and time only). */
  lastExecution: { name: string; status: string; startDate: Date } | null;
}

export interface VersionView {
  version: number;
  arn: string;
  description: string;
  createdAt: Date;
}

export interface AliasView {
  name: string;
  arn: string;
  description: string;
  routing: { stateMachineVersionArn: string; weight: number }[];
  createdAt: Date;
}

export interface MachineDetail extends MachineSummary {
  definition: string;
  roleArn: string;
  description: string;
  status: string;
  revisionId: string | null;
  versions: VersionView[];
  aliases: AliasView[];
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";

export interface ExecutionSummary {
  arn: string;
  name: string;
  status: string;
  stateMachineArn: string;
  machineName: string;
  startDate: Date;
  stopDate: Date | null;
  redriveCount: number;
  /** A Distributed Map child's map run label (its page is …/executions/<name>?mapRun=<label>). */
  mapRun?: string;
}

/** A page of executions; nextCursor asks for the next (older) page. */
export interface ExecutionPage {
  items: ExecutionSummary[];
  nextCursor: string | null;
}

export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
}

/** A Distributed Map run of an execution (DescribeMapRun). */
export interface MapRunView {
  arn: string;
  /** The Map's Label (or state name). */
  label: string;
  status: string;
  startDate: Date;
  stopDate: Date | null;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  itemCounts: MapRunCounts;
  redriveCount: number;
}

export interface HistoryEventView {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface WaitingTokenView {
  taskToken: string;
  stateName: string;
  resource: string | null;
  enteredAt: Date | null;
  heartbeatSeconds: number | null;
}

export interface ExecutionDetail extends ExecutionSummary {
  input: string | null;
  output: string | null;
  error: string | null;
  cause: string | null;
  definition: string;
  versionArn: string | null;
  aliasArn: string | null;
  events: HistoryEventView[];
  waitingTokens: WaitingTokenView[];
  /** Whether RedriveExecution would be accepted (a STANDARD execution that failed, timed out or was aborted). */
  redrivable: boolean;
  /** Set when this is a Distributed Map's child: the parent execution's name and the map run's ARN. */
  parent: { name: string; mapRunArn: string } | null;
}

export interface ValidationView {
  result: "OK" | "FAIL";
  diagnostics: { severity: "ERROR" | "WARNING"; code: string; message: string; location?: string }[];
}

export interface TestStateView {
  status: "SUCCEEDED" | "FAILED" | "RETRIABLE" | "CAUGHT_ERROR";
  output: string | null;
  error: string | null;
  cause: string | null;
  nextState: string | null;
  inspectionData: Record<string, unknown> | null;
}
