import type { AwsService } from "./types";
import { stsService } from "./sts";

// Every AWS service the /api/aws endpoint speaks: one line per service.
export const AWS_SERVICES: AwsService[] = [stsService];
