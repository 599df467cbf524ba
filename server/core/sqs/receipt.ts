import { createHmac, timingSafeEqual } from "node:crypto";
import { sqsError } from "./errors";

// Receipt handles: opaque to clients, tamper-evident (HMAC), and bound to one receive. They carry
// the queue id, the message id and the receive token that was current when the message was
// received; the token rotates on every receive, so an older handle no longer matches the row.

export type Receipt = { queueId: string; messageId: string; token: string };

function mac(key: Buffer | string, payload: string): Buffer {
  return createHmac("sha256", key).update(payload).digest().subarray(0, 12);
}

export function encodeReceiptHandle(r: Receipt, key: Buffer | string): string {
  const payload = `${r.queueId}|${r.messageId}|${r.token}`;
  return Buffer.concat([Buffer.from(payload, "utf8"), Buffer.from([0]), mac(key, payload)]).toString("base64url");
}

/** Null for anything that is not a handle we issued. */
export function decodeReceiptHandle(handle: string, key: Buffer | string): Receipt | null {
  if (typeof handle !== "string" || handle.length < 20 || handle.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(handle))
    return null;
  const raw = Buffer.from(handle, "base64url");
  const sep = raw.length - 13;
  if (sep <= 0 || raw[sep] !== 0) return null;
  const payload = raw.subarray(0, sep).toString("utf8");
  const given = raw.subarray(sep + 1);
  const want = mac(key, payload);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  const [queueId, messageId, token] = payload.split("|");
  if (!queueId || !messageId || !token) return null;
  return { queueId, messageId, token };
}

export function requireReceipt(handle: string | undefined, key: Buffer | string, field = "ReceiptHandle"): Receipt {
  if (handle === undefined || handle === null || handle === "")
    throw sqsError("MissingParameter", `The request must contain the parameter ${field}.`, field);
  const r = decodeReceiptHandle(handle, key);
  if (!r)
    throw sqsError(
      "ReceiptHandleIsInvalid",
      `The input receipt handle "${handle.slice(0, 100)}" is not a valid receipt handle.`,
      field,
    );
  return r;
}
