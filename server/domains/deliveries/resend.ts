import type { JobContext } from "../../jobs/registry";
import { pool, withTransaction } from "../../db";
import { enqueueDeliverChunks } from "./delivery.enqueue";
import {
  addResendDone,
  countResendable,
  findResend,
  finishResend,
  reopenResendPage,
  setResendTotal,
} from "./resend.repository";

// "Resend all failed since …": reopens failed/dlq deliveries in pages and enqueues deliver jobs,
// updating the progress row (total/done) that the console polls. Each page commits its reopened
// rows with their jobs, so a crash resumes where it stopped (reopened rows are no longer failed).

const PAGE = 500;

export async function runResend(
  data: { resendId: string; tenantId: string; baseUrl?: string },
  ctx: JobContext,
): Promise<void> {
  const job = await findResend(pool(), data.resendId, data.tenantId);
  if (!job || job.status !== "running") return;
  await setResendTotal(pool(), data.resendId, await countResendable(pool(), data.tenantId, job));
  for (;;) {
    const n = await withTransaction(async (tx) => {
      const ids = await reopenResendPage(tx, data.tenantId, job, PAGE);
      await enqueueDeliverChunks(ids, data.baseUrl, tx);
      await addResendDone(tx, data.resendId, ids.length);
      return ids.length;
    });
    if (n < PAGE) break;
  }
  await finishResend(pool(), data.resendId);
  ctx.log.info({ resendId: data.resendId }, "resend finished");
}
