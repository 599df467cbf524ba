import type { AwsAction } from "../types";

export const executionActions: [string, AwsAction][] = [];
