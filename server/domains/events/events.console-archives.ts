import { createArchive, deleteArchive, listArchives, type ArchiveView } from "../archives/archive.service";
import { cancelReplay, listReplays, startReplay } from "../archives/replay.service";
import type { ReplayRow } from "../archives/archive.repository";
import type { Actor } from "../../auth/permissions";
import { describeBus, type Caller } from "./bus.service";

// The bus page's Archives & replays tab: the archive helper's use cases (the ones ListArchives,
// CreateArchive, StartReplay … call), narrowed to one bus.

type Tenant = { id: string; accountId: string };
const callerOf = (t: Tenant): Caller => ({ tenantId: t.id, accountId: t.accountId });

async function all<T>(page: (token?: string) => Promise<{ items: T[]; nextToken?: string }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...p.items);
    token = p.nextToken;
  } while (token);
  return out;
}

/** The bus's archives (with event count and size) and the replays from them or into the bus, newest first. */
export async function consoleArchives(
  actor: Actor,
  tenant: Tenant,
  busName: string,
): Promise<{ archives: ArchiveView[]; replays: ReplayRow[] }> {
  const bus = await describeBus(actor, callerOf(tenant), busName);
  const archives = await all(async (nextToken) => {
    const r = await listArchives(actor, callerOf(tenant), { eventSourceArn: bus.arn, nextToken });
    return { items: r.archives, nextToken: r.nextToken };
  });
  const arns = new Set(archives.map((a) => a.arn));
  const replays = (
    await all(async (nextToken) => {
      const r = await listReplays(actor, callerOf(tenant), { nextToken });
      return { items: r.replays, nextToken: r.nextToken };
    })
  ).filter((r) => arns.has(r.eventSourceArn) || r.destinationArn === bus.arn);
  replays.sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime());
  return { archives, replays };
}

export async function consoleCreateArchive(
  actor: Actor,
  tenant: Tenant,
  input: { bus: string; name: string; description?: string; eventPattern?: string; retentionDays?: number },
) {
  const bus = await describeBus(actor, callerOf(tenant), input.bus);
  return createArchive(actor, callerOf(tenant), {
    name: input.name,
    eventSourceArn: bus.arn,
    description: input.description || undefined,
    eventPattern: input.eventPattern?.trim() || undefined,
    retentionDays: input.retentionDays,
  });
}

export async function consoleDeleteArchive(actor: Actor, tenant: Tenant, name: string) {
  await deleteArchive(actor, callerOf(tenant), name);
  return { deleted: true };
}

export async function consoleStartReplay(
  actor: Actor,
  tenant: Tenant,
  input: {
    bus: string;
    name: string;
    archiveArn: string;
    from: Date;
    to: Date;
    ruleArns?: string[];
    description?: string;
  },
) {
  const bus = await describeBus(actor, callerOf(tenant), input.bus);
  return startReplay(actor, callerOf(tenant), {
    name: input.name,
    description: input.description || undefined,
    eventSourceArn: input.archiveArn,
    eventStartTime: input.from,
    eventEndTime: input.to,
    destination: { arn: bus.arn, ...(input.ruleArns?.length ? { filterArns: input.ruleArns } : {}) },
  });
}

export async function consoleCancelReplay(actor: Actor, tenant: Tenant, name: string) {
  return cancelReplay(actor, callerOf(tenant), name);
}
