import { MAX_QUEUE_NAME_LENGTH } from "./limits";
import { sqsError } from "./errors";

// Queue names, ARNs and queue URLs.

const NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;

export function isFifoName(name: string): boolean {
  return name.endsWith(".fifo");
}

/** Null when valid, otherwise AWS's message. */
export function queueNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_QUEUE_NAME_LENGTH)
    return `Can only include alphanumeric characters, hyphens, or underscores. 1 to ${MAX_QUEUE_NAME_LENGTH} in length`;
  const base = isFifoName(name) ? name.slice(0, -5) : name;
  if (!NAME_RE.test(base))
    return `Can only include alphanumeric characters, hyphens, or underscores. 1 to ${MAX_QUEUE_NAME_LENGTH} in length`;
  return null;
}

export function assertQueueName(name: string): void {
  const p = queueNameProblem(name);
  if (p) throw sqsError("InvalidParameterValue", p, "QueueName");
}

export function queueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

export type ParsedArn = { region: string; accountId: string; name: string };

export function parseQueueArn(arn: string): ParsedArn | null {
  const m = /^arn:aws[\w-]*:sqs:([\w-]*):(\d{12}):([A-Za-z0-9_.-]{1,85})$/.exec(arn);
  return m ? { region: m[1], accountId: m[2], name: m[3] } : null;
}

export function queueUrl(baseUrl: string, accountId: string, name: string): string {
  return `${baseUrl.replace(/\/$/, "")}/api/aws/${accountId}/${name}`;
}

/**
 * (account id, name) from a queue URL, as AWS accepts it: our own form (…/api/aws/<account>/<name>),
 * AWS's hosts with or without a scheme (https://sqs.<region>.amazonaws.com/<account>/<name>,
 * queue.amazonaws.com/<account>/<name>, <region>.queue.amazonaws.com/…), a bare path
 * (/<account>/<name>) and a bare queue name (the caller's own queue). Null when it cannot name a
 * queue at all (including names no queue can have, such as ones with NUL bytes).
 */
export function parseQueueUrl(url: string): { accountId?: string; name: string } | null {
  let path = url;
  const scheme = url.indexOf("://");
  if (scheme >= 0) {
    const slash = url.indexOf("/", scheme + 3);
    path = slash < 0 ? "/" : url.slice(slash);
  }
  const q = path.indexOf("?");
  if (q >= 0) path = path.slice(0, q);
  const decode = (raw: string) => {
    try {
      const name = decodeURIComponent(raw);
      return queueNameProblem(name) ? null : name;
    } catch {
      return null;
    }
  };
  if (scheme < 0 && !path.includes("/")) {
    const name = decode(path);
    return name ? { name } : null;
  }
  const m = /(?:^|\/)(\d{12})\/([^/]+)\/?$/.exec(path);
  if (!m) return null;
  const name = decode(m[2]);
  return name ? { accountId: m[1], name } : null;
}
