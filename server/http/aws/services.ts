import type { AwsService } from "./types";
import { stsService } from "./sts";
import { snsService } from "./sns/sns.service";
import { sqsService } from "./sqs";
import { schemasService } from "./schemas/schemas.service";
import { eventsService } from "./events";
import { schedulerService } from "./scheduler/scheduler.service";
import { lambdaService } from "./lambda/lambda.service";
import { statesService } from "./states/states.service";
import { apigatewayService } from "./apigateway/apigateway.service";

// Every AWS service the /api/aws endpoint speaks: one line per service.
export const AWS_SERVICES: AwsService[] = [
  stsService,
  snsService,
  sqsService,
  eventsService,
  schedulerService,
  lambdaService,
  schemasService,
  statesService,
  apigatewayService,
];
