import { randomBytes } from "node:crypto";

// Task tokens ($$.Task.Token): 64 random bytes, base64url, behind a fixed prefix. Unguessable; the
// task_tokens row binds one to its tenant, execution, thread and TaskScheduled event.
export const newTaskToken = () => `AQ${randomBytes(96).toString("base64url")}`;
export const isWellFormedToken = (t: string) => /^AQ[A-Za-z0-9_-]{128}$/.test(t);
