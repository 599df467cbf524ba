import { router } from "./trpc";
import { accountRouter } from "../domains/users/user.router";
import { tenantRouter } from "../domains/tenants/tenant.router";
import { apiKeyRouter } from "../domains/api-keys/api-key.router";
import { auditRouter } from "../domains/audit/audit.router";
import { queueRouter } from "../domains/queues/queue.router";
import { topicRouter } from "../domains/topics/topic.router";
import { deliveryRouter } from "../domains/deliveries/delivery.router";
import { eventsRouter } from "../domains/events/events.router";
import { eventSourceRouter } from "../domains/event-sources/event-source.router";
import { functionRouter } from "../domains/functions/function.router";
import { workflowsRouter } from "../domains/workflows/workflows.router";
import { apisRouter } from "../domains/apis/apis.router";

// One line per domain.
export const appRouter = router({
  account: accountRouter,
  tenant: tenantRouter,
  apiKey: apiKeyRouter,
  audit: auditRouter,
  queue: queueRouter,
  topic: topicRouter,
  delivery: deliveryRouter,
  events: eventsRouter,
  eventSource: eventSourceRouter,
  function: functionRouter,
  workflows: workflowsRouter,
  apis: apisRouter,
});

export type AppRouter = typeof appRouter;
