// The parsed shape of an SNS subscription filter policy. Parsing normalises the JSON once (at
// Subscribe / SetSubscriptionAttributes) so evaluation on every Publish never re-validates or
// re-parses operator syntax. The original JSON is kept because GetSubscriptionAttributes echoes it.

export type FilterPolicyScope = "MessageAttributes" | "MessageBody";

/** A leaf value as SNS's matcher sees it: attributes and bodies are both reduced to JSON scalars. */
export type LeafValue = string | number | boolean | null;

export type NumericOperator = "=" | "<" | "<=" | ">" | ">=";

export type CidrBlock = { version: 4 | 6; network: bigint; bits: number };

export type Condition =
  | { type: "exact"; value: LeafValue }
  | { type: "prefix"; value: string }
  | { type: "suffix"; value: string }
  | { type: "equals-ignore-case"; value: string }
  | { type: "anything-but"; values: Array<string | number> }
  | { type: "anything-but-prefix"; value: string }
  | { type: "numeric"; terms: Array<{ op: NumericOperator; value: number }> }
  | { type: "exists"; value: boolean }
  | { type: "cidr"; block: CidrBlock };

export type PolicyField =
  | { key: string; kind: "nested"; node: PolicyNode }
  /** `raw` is the policy's own list, quoted back in mismatch reasons. */
  | { key: string; kind: "rules"; conditions: Condition[]; raw: unknown[] };

/** AND of every field and of the `$or` group; the group itself matches when any alternative does. */
export type PolicyNode = { fields: PolicyField[]; or?: PolicyNode[] };

export type FilterPolicy = {
  scope: FilterPolicyScope;
  root: PolicyNode;
  /** The policy JSON as given (already parsed), for echoing back to clients. */
  source: Record<string, unknown>;
};

export type FilterPolicyError = {
  /** AWS's reason text, without the "Invalid parameter: FilterPolicy: " framing. */
  message: string;
  /** Where in the policy the problem is, e.g. `$.price[0].numeric`; `$` for whole-policy limits. */
  path: string;
  /** AWS words a few errors (nesting under MessageAttributes scope) without the "FilterPolicy: " label. */
  unlabelled?: boolean;
};

export type ParseResult = { ok: true; policy: FilterPolicy } | { ok: false; error: FilterPolicyError };

export type MessageAttributeInput = { DataType: string; StringValue?: string; BinaryValue?: unknown };

export type EvaluateInput =
  | { scope: "MessageAttributes"; attributes: Record<string, MessageAttributeInput> }
  | { scope: "MessageBody"; body: string };

export type EvaluateResult = { match: true } | { match: false; reason: string };
