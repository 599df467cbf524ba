import type { AwsAction } from "../types";

export const activityActions: [string, AwsAction][] = [];
