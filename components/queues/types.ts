import type { RouterOutputs } from "@/lib/trpc";

export type QueueDetail = RouterOutputs["queue"]["get"];
export type ReceivedMessage = RouterOutputs["queue"]["receive"][number];
export type BrowsedMessage = RouterOutputs["queue"]["browse"]["items"][number];
export type MoveTask = RouterOutputs["queue"]["listMoveTasks"][number];
