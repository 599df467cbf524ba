import { ensureQueues } from "../../jobs/boss";
import { deliveryJobs } from "./delivery.jobs";

// A web process may take a Publish/Subscribe before any worker has created the delivery queues
// (first start, fresh pg-boss schema): make sure they exist once per process before enqueueing.
let ready: Promise<void> | undefined;
export function deliveryQueuesReady(): Promise<void> {
  if (!ready) {
    ready = ensureQueues(deliveryJobs);
    ready.catch(() => (ready = undefined));
  }
  return ready;
}
