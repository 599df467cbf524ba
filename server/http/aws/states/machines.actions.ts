import type { AwsAction } from "../types";

export const machineActions: [string, AwsAction][] = [];
