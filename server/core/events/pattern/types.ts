// The compiled form of an EventBridge event pattern. compilePattern validates the JSON once (with
// AWS's messages) and produces this tree; matchPattern / explainMatch / PatternIndex only read it.
//
// Shape: an object level (PatternNode) ANDs its fields and its `$or` groups; a field either holds a
// leaf list (any-of Matchers) or a nested object level, or both when the pattern repeats a key.

import type { CidrBlock } from "../../filter-policy/types";
import type { WildcardProgram } from "./wildcard";

/** A number as EventBridge compares it: fixed-point, 6 decimals, only within ±5e9 (else undefined). */
export type Comparable = number;

export type Matcher =
  | { kind: "exact-string"; value: string; raw: unknown }
  | { kind: "exact-ip"; value: string; block: CidrBlock; raw: unknown }
  /** `comparable` is set when the number is within ±5e9; outside it only the same text matches. */
  | { kind: "exact-number"; text: string; comparable?: Comparable; raw: unknown }
  | { kind: "exact-literal"; value: boolean | null; raw: unknown }
  | { kind: "prefix"; value: string; ignoreCase: boolean; raw: unknown }
  | { kind: "suffix"; value: string; ignoreCase: boolean; raw: unknown }
  | { kind: "equals-ignore-case"; value: string; raw: unknown }
  | { kind: "wildcard"; program: WildcardProgram; raw: unknown }
  | { kind: "anything-but"; strings: Set<string>; numbers: Set<Comparable>; raw: unknown }
  | { kind: "anything-but-prefix"; values: string[]; raw: unknown }
  | { kind: "anything-but-suffix"; values: string[]; raw: unknown }
  | { kind: "anything-but-ignore-case"; values: string[]; raw: unknown }
  | { kind: "anything-but-wildcard"; programs: WildcardProgram[]; raw: unknown }
  | {
      kind: "numeric";
      lower?: Comparable;
      lowerOpen: boolean;
      upper?: Comparable;
      upperOpen: boolean;
      raw: unknown;
    }
  | { kind: "exists"; value: boolean; raw: unknown }
  | { kind: "cidr"; block: CidrBlock; raw: unknown };

export type PatternField = {
  /** Any-of list from the pattern (`"state": ["a", {"prefix": "b"}]`). */
  leaf?: Matcher[];
  /** The list as written, for explanations. */
  leafRaw?: unknown[];
  /** A nested object level (`"detail": {...}`). */
  child?: PatternNode;
};

export type PatternNode = {
  fields: Map<string, PatternField>;
  /** Each `$or` key at this level: at least one alternative of every group must match. */
  ors: PatternNode[][];
};

export type CompiledPattern = {
  readonly root: PatternNode;
  /** The pattern as given. */
  readonly source: string;
  /** How many flat sub-rules the pattern expands to ($or branches), as AWS's matcher counts them. */
  readonly branches: number;
};

export type MatchReason = {
  /** Dotted path of the field, e.g. `detail.state`; `$or` groups appear as `detail.$or[1]`. */
  path: string;
  /** The pattern's list (or `$or` alternatives) for this field. */
  expected: unknown;
  /** The event's value at this path (undefined when absent). */
  actual: unknown;
  matched: boolean;
  why: string;
};

export type MatchExplanation = { matched: boolean; reasons: MatchReason[] };
