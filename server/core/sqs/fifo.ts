// FIFO receive, the pure part. The repository locks a handful of ready groups (not locked by
// in-flight messages, not delayed) and hands over the first messages of each, in sequence order;
// this picks what one ReceiveMessage returns:
//  - within a group, only a prefix in order: stop at the first message that is not visible yet
//    (delayed or in flight), because nothing may overtake it;
//  - a group with any message in flight gives nothing (the group is locked);
//  - AWS returns as many messages of the same group as it can, so groups are drained in turn.

export type FifoCandidate = { id: string; groupId: string; seq: bigint; visibleAt: Date; receiveCount: number };

export function pickFifoMessages(
  groupsInOrder: string[],
  candidates: FifoCandidate[],
  now: Date,
  max: number,
): FifoCandidate[] {
  const byGroup = new Map<string, FifoCandidate[]>();
  for (const c of candidates) {
    let list = byGroup.get(c.groupId);
    if (!list) byGroup.set(c.groupId, (list = []));
    list.push(c);
  }
  const out: FifoCandidate[] = [];
  for (const g of groupsInOrder) {
    if (out.length >= max) break;
    const list = (byGroup.get(g) ?? []).sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    if (list.some((m) => m.receiveCount > 0 && m.visibleAt.getTime() > now.getTime())) continue; // locked
    for (const m of list) {
      if (out.length >= max) break;
      if (m.visibleAt.getTime() > now.getTime()) break;
      out.push(m);
    }
  }
  return out;
}

/**
 * When a group may be picked again: after the last of its in-flight messages becomes visible,
 * or now if none is in flight (it was deleted or made visible).
 */
export function groupAvailableAt(inFlightVisibleAts: Date[], now: Date): Date {
  let max = now.getTime();
  for (const v of inFlightVisibleAts) if (v.getTime() > max) max = v.getTime();
  return new Date(max);
}
