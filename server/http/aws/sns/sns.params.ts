import type { SnsAttribute } from "../../../core/sns/envelope";
import { AppError } from "../../../core/errors";

// Query-protocol parameter shapes SNS uses: maps as `X.entry.N.key/value`, lists as `X.member.N`,
// message attributes as `MessageAttributes.entry.N.Name/Value.DataType/Value.StringValue/…`.

function indexes(params: URLSearchParams, prefix: string): number[] {
  const set = new Set<number>();
  for (const k of params.keys()) {
    if (!k.startsWith(prefix)) continue;
    const n = Number(k.slice(prefix.length).split(".")[0]);
    if (Number.isInteger(n) && n > 0) set.add(n);
  }
  return [...set].sort((a, b) => a - b);
}

/** `Attributes.entry.N.key` / `.value` → record. */
export function entryMap(params: URLSearchParams, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of indexes(params, `${name}.entry.`)) {
    const k = params.get(`${name}.entry.${i}.key`);
    if (k !== null) out[k] = params.get(`${name}.entry.${i}.value`) ?? "";
  }
  return out;
}

export function memberList(params: URLSearchParams, name: string): string[] {
  return indexes(params, `${name}.member.`).map((i) => params.get(`${name}.member.${i}`) ?? "");
}

export function tagList(params: URLSearchParams, name = "Tags"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of indexes(params, `${name}.member.`)) {
    const k = params.get(`${name}.member.${i}.Key`);
    if (k === null) throw new AppError("validation", "Invalid parameter: Tags", { awsCode: "InvalidParameter" });
    out[k] = params.get(`${name}.member.${i}.Value`) ?? "";
  }
  return out;
}

export function messageAttributes(params: URLSearchParams, prefix = "MessageAttributes"): Record<string, SnsAttribute> {
  const out: Record<string, SnsAttribute> = {};
  for (const i of indexes(params, `${prefix}.entry.`)) {
    const p = `${prefix}.entry.${i}`;
    const name = params.get(`${p}.Name`) ?? "";
    const a: SnsAttribute = { DataType: params.get(`${p}.Value.DataType`) ?? "" };
    const s = params.get(`${p}.Value.StringValue`);
    const b = params.get(`${p}.Value.BinaryValue`);
    if (s !== null) a.StringValue = s;
    if (b !== null) a.BinaryValue = b;
    if (!a.DataType)
      throw new AppError(
        "validation",
        `The message attribute '${name}' must contain non-empty message attribute type.`,
        { awsCode: "InvalidParameterValue" },
      );
    out[name] = a;
  }
  return out;
}

type BatchEntryParams = {
  Id?: string;
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
  attributes: Record<string, SnsAttribute>;
};

export function batchEntries(params: URLSearchParams): BatchEntryParams[] {
  const base = "PublishBatchRequestEntries.member.";
  return indexes(params, base).map((i) => {
    const p = `${base}${i}`;
    const get = (k: string) => params.get(`${p}.${k}`) ?? undefined;
    return {
      Id: get("Id"),
      Message: get("Message"),
      Subject: get("Subject"),
      MessageStructure: get("MessageStructure"),
      MessageGroupId: get("MessageGroupId"),
      MessageDeduplicationId: get("MessageDeduplicationId"),
      attributes: messageAttributes(params, `${p}.MessageAttributes`),
    };
  });
}
