import { sqsError } from "./errors";
import type { MessageAttributeValue } from "./md5";

// Message attributes as every door receives them (binary values base64-encoded text) into the
// domain's values (Buffers). The one place the conversion happens: the AWS door (JSON and query),
// REST and the console all call it, so a value that is not base64 is refused the same way
// everywhere instead of being decoded leniently (Node drops what it cannot read).

export type WireAttributeValue = {
  DataType?: unknown;
  StringValue?: unknown;
  BinaryValue?: unknown;
  StringListValues?: unknown;
  BinaryListValues?: unknown;
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(s: string): boolean {
  return BASE64.test(s);
}

/** Base64 text → bytes, or InvalidParameterValue naming the attribute. */
export function decodeBinaryValue(value: string, name: string, field = "MessageAttributes"): Buffer {
  if (!isBase64(value))
    throw sqsError(
      "InvalidParameterValue",
      `The message attribute '${name}' has a BinaryValue that is not valid base64.`,
      field,
    );
  return Buffer.from(value, "base64");
}

export function messageAttributesFromWire(
  v: unknown,
  field = "MessageAttributes",
): Record<string, MessageAttributeValue> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v))
    throw sqsError("InvalidParameterValue", `Value for parameter ${field} is invalid.`, field);
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of Object.entries(v as Record<string, WireAttributeValue | null>)) {
    const a = raw ?? {};
    if (
      (Array.isArray(a.StringListValues) && a.StringListValues.length) ||
      (Array.isArray(a.BinaryListValues) && a.BinaryListValues.length)
    )
      throw sqsError(
        "InvalidParameterValue",
        `Message attribute list values in SendMessage operation are not supported.`,
        field,
      );
    out[name] = {
      DataType: typeof a.DataType === "string" ? a.DataType : "",
      ...(typeof a.StringValue === "string" ? { StringValue: a.StringValue } : {}),
      ...(typeof a.BinaryValue === "string" ? { BinaryValue: decodeBinaryValue(a.BinaryValue, name, field) } : {}),
    };
  }
  return out;
}
