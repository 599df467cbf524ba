// SNS's topic-name rule, checked as the user types (the server checks again with AWS's wording).
const BASE = /^[A-Za-z0-9_-]+$/;

export function topicNameProblem(name: string, fifo: boolean): string | null {
  if (!name) return null;
  const full = fifo && !name.endsWith(".fifo") ? `${name}.fifo` : name;
  const isFifo = full.endsWith(".fifo");
  const base = isFifo ? full.slice(0, -5) : full;
  if (!fifo && isFifo) return "Only FIFO topics may end with “.fifo”: tick FIFO or remove the suffix.";
  if (!base) return "Give the topic a name before “.fifo”.";
  if (!BASE.test(base)) return "Use only letters, numbers, hyphens and underscores.";
  if (full.length > 256) return "At most 256 characters (including “.fifo”).";
  return null;
}

/** The name the topic will get: FIFO topics end with “.fifo” (added when missing). */
export function finalTopicName(name: string, fifo: boolean): string {
  return fifo && name && !name.endsWith(".fifo") ? `${name}.fifo` : name;
}

export function topicArnFor(region: string, accountId: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}
