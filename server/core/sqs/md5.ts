import { createHash } from "node:crypto";

// MD5OfMessageBody / MD5OfMessageAttributes / MD5OfMessageSystemAttributes exactly as SQS computes
// them (the SDKs recompute and compare): attributes sorted by name; for each, the name, the data
// type (each as a 4-byte big-endian length + UTF-8 bytes), one transport byte (1 = string-like,
// 2 = binary) and the value (4-byte length + bytes).

export type MessageAttributeValue = { DataType: string; StringValue?: string; BinaryValue?: Buffer };

export function md5Hex(data: string | Buffer): string {
  return createHash("md5").update(data).digest("hex");
}

function lengthPrefixed(buf: Buffer): Buffer[] {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length, 0);
  return [len, buf];
}

export function md5OfMessageAttributes(attrs: Record<string, MessageAttributeValue> | undefined): string | undefined {
  if (!attrs) return undefined;
  const names = Object.keys(attrs).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const a = attrs[name];
    parts.push(...lengthPrefixed(Buffer.from(name, "utf8")));
    parts.push(...lengthPrefixed(Buffer.from(a.DataType, "utf8")));
    if (a.BinaryValue !== undefined && a.StringValue === undefined) {
      parts.push(Buffer.from([2]), ...lengthPrefixed(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]), ...lengthPrefixed(Buffer.from(a.StringValue ?? "", "utf8")));
    }
  }
  return md5Hex(Buffer.concat(parts));
}
