import { AppError } from "../../core/errors";
import type { WorkflowCaller } from "./state-machine.common";

export type TestStateInput = {
  definition: string;
  roleArn?: string;
  input?: string;
  inspectionLevel?: string;
  revealSecrets?: boolean;
  variables?: string;
  stateName?: string;
};

export async function testState(caller: WorkflowCaller, input: TestStateInput): Promise<Record<string, unknown>> {
  void caller;
  void input;
  throw new AppError("unsupported", "TestState is not available yet.");
}
