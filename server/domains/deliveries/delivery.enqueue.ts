import type { Queryable } from "../../db";
import { enqueueMany } from "../../platform/enqueue";
import { originForJob } from "../../platform/public-url";
import { deliverJob } from "./delivery.jobs";
import { deliveryConfig } from "./delivery.config";

/** Enqueues deliver jobs for `ids` in chunks, inside `tx` (they commit with the rows they attempt). */
export async function enqueueDeliverChunks(
  ids: string[],
  baseUrl: string | undefined,
  tx: Queryable,
  startAfter?: Date,
): Promise<void> {
  if (ids.length === 0) return;
  const chunk = deliveryConfig().SIGNALBOX_DELIVERY_CHUNK;
  const origin = originForJob(baseUrl);
  const jobs = [];
  for (let i = 0; i < ids.length; i += chunk)
    jobs.push({ data: { deliveryIds: ids.slice(i, i + chunk), baseUrl: origin }, startAfter });
  await enqueueMany(deliverJob, jobs, { tx });
}
