// What a rule target receives: the whole event, a constant `Input`, the part of the event an
// `InputPath` selects, or an `InputTransformer`'s template filled from the event.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
//
// Template rules, as AWS applies them:
//  - `<name>` is replaced by the value InputPathsMap's JSON path selects, or by a reserved variable
//    (`aws.events.rule-arn`, `aws.events.rule-name`, `aws.events.event.ingestion-time`,
//    `aws.events.event` = the envelope without `detail`, `aws.events.event.json` = the whole event);
//  - a template that is a JSON object or array is a JSON template: a variable outside quotes is
//    inserted as JSON (strings get their quotes), a variable inside a quoted string is inserted raw
//    (an object or array there loses its inner quotes, so the string stays valid);
//  - any other template (a quoted string, lines of quoted strings, plain text) is text: variables are
//    inserted raw wherever they are;
//  - a path that selects nothing gives an empty value (`""` outside quotes in a JSON template).
//    `<` and `>` cannot be escaped.

import type { EventEnvelope } from "./envelope";

export type InputTransformerConfig = { inputPathsMap?: Record<string, string>; inputTemplate: string };

export type TargetInputConfig = {
  input?: string;
  inputPath?: string;
  inputTransformer?: InputTransformerConfig;
};

export type TargetInputContext = { ruleArn: string; ruleName: string; ingestionTime: string };

export const RESERVED_VARIABLES = [
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event.ingestion-time",
  "aws.events.event",
  "aws.events.event.json",
] as const;

export const MAX_INPUT_PATHS = 100;
export const MAX_INPUT_TEMPLATE_LENGTH = 8192;
export const MAX_INPUT_PATH_LENGTH = 256;
export const MAX_INPUT_LENGTH = 8192;
const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A PutTargets validation failure; `message` is AWS's ValidationException message. */
export class TargetInputError extends Error {
  readonly code = "ValidationException";
}

// ---- JSON paths (dot notation, array indices, `*` wildcards) ----

type Step = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "all" };
export type JsonPath = { steps: Step[]; multi: boolean };

/** Parses `$`, `$.detail.state`, `$.resources[0]`, `$.detail.items[*].id`, `$.detail.*`; null if invalid. */
export function parseJsonPath(path: string): JsonPath | null {
  if (!path.startsWith("$")) return null;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      i++;
      let name = "";
      while (i < path.length && path[i] !== "." && path[i] !== "[") name += path[i++];
      if (name === "") return null;
      if (name.includes("]")) return null;
      steps.push(name === "*" ? { kind: "all" } : { kind: "name", name });
    } else if (c === "[") {
      const end = path.indexOf("]", i);
      if (end < 0) return null;
      const inner = path.slice(i + 1, end);
      if (inner === "*") steps.push({ kind: "all" });
      else if (/^\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else return null;
      i = end + 1;
    } else {
      return null;
    }
  }
  return { steps, multi: steps.some((s) => s.kind === "all") };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value a path selects (an array of matches when the path has a wildcard); undefined if none. */
export function evaluateJsonPath(path: JsonPath, root: unknown): unknown {
  let current: unknown[] = [root];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === "name") {
        if (isObject(v) && Object.prototype.hasOwnProperty.call(v, step.name)) next.push(v[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
      } else if (Array.isArray(v)) {
        next.push(...v);
      } else if (isObject(v)) {
        next.push(...Object.values(v));
      }
    }
    current = next;
  }
  if (path.multi) return current.length > 0 ? current : undefined;
  return current[0];
}

// ---- validation (PutTargets) ----

/**
 * Checks a target's input settings as PutTargets does; throws TargetInputError with AWS's message.
 * `targetId` is the target's Id, used in AWS's messages.
 */
export function validateTargetInput(
  targetId: string,
  cfg: TargetInputConfig,
  opts: { targetIndex?: number } = {},
): void {
  const given = [cfg.input !== undefined, cfg.inputPath !== undefined, cfg.inputTransformer !== undefined];
  if (given.filter(Boolean).length > 1) {
    throw new TargetInputError(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${targetId}.`,
    );
  }
  if (cfg.input !== undefined) {
    try {
      JSON.parse(cfg.input);
    } catch {
      throw new TargetInputError(`Input for target ${targetId} is not a valid JSON text.`);
    }
  }
  if (cfg.inputPath !== undefined && !parseJsonPath(cfg.inputPath)) {
    throw new TargetInputError(`InputPath for target ${targetId} is not a valid JSON path.`);
  }
  if (cfg.inputTransformer) validateInputTransformer(targetId, cfg.inputTransformer, opts);
}

/** How AWS's request validation prints a map value: Java's `{k=v, k2=v2}`. */
function javaMap(m: Record<string, string>): string {
  return `{${Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}}`;
}

function constraintError(value: string, at: string, constraint: string): TargetInputError {
  return new TargetInputError(
    `1 validation error detected: Value '${value}' at '${at}' failed to satisfy constraint: ${constraint}`,
  );
}

/**
 * PutTargets' checks on one target's InputTransformer. Shape limits (100 paths, key pattern, lengths)
 * answer in AWS's request-validation form ("1 validation error detected: Value '…' at
 * 'targets.N.member.inputTransformer.inputPathsMap' failed to satisfy constraint: …"), for which
 * `targetIndex` (1-based, the target's position in the request) is needed; the rest name the target.
 */
export function validateInputTransformer(
  targetId: string,
  t: InputTransformerConfig,
  opts: { targetIndex?: number } = {},
): void {
  const paths = t.inputPathsMap ?? {};
  const keys = Object.keys(paths);
  const at = `targets.${opts.targetIndex ?? 1}.member.inputTransformer`;
  if (keys.length > MAX_INPUT_PATHS) {
    throw constraintError(
      javaMap(paths),
      `${at}.inputPathsMap`,
      `Member must have length less than or equal to ${MAX_INPUT_PATHS}`,
    );
  }
  for (const key of keys) {
    if (!KEY_PATTERN.test(key) || key.length > 256) {
      const rule =
        key.length > 256
          ? "Member must have length less than or equal to 256"
          : "Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+";
      throw constraintError(javaMap(paths), `${at}.inputPathsMap`, `Map keys must satisfy constraint: [${rule}]`);
    }
    if (paths[key].length > MAX_INPUT_PATH_LENGTH) {
      throw constraintError(
        javaMap(paths),
        `${at}.inputPathsMap`,
        `Map value must satisfy constraint: [Member must have length less than or equal to ${MAX_INPUT_PATH_LENGTH}]`,
      );
    }
  }
  if (t.inputTemplate.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw constraintError(
      t.inputTemplate,
      `${at}.inputTemplate`,
      `Member must have length less than or equal to ${MAX_INPUT_TEMPLATE_LENGTH}`,
    );
  }
  if (t.inputTemplate.length < 1) {
    throw constraintError(t.inputTemplate, `${at}.inputTemplate`, "Member must have length greater than or equal to 1");
  }
  for (const key of keys) {
    // AWS documents that keys cannot start with "AWS" (its wording of the refusal is not published).
    if (/^aws/i.test(key)) {
      throw new TargetInputError(
        `InputPathsMap for target ${targetId} contains invalid key ${key}: keys cannot start with "AWS".`,
      );
    }
    if (!parseJsonPath(paths[key])) {
      throw new TargetInputError(`InputPathsMap for target ${targetId} contains invalid JSON path ${paths[key]}.`);
    }
  }
  for (const { name } of placeholders(t.inputTemplate)) {
    if (!(name in paths) && !(RESERVED_VARIABLES as readonly string[]).includes(name)) {
      throw new TargetInputError(`InputTemplate for target ${targetId} contains invalid placeholder ${name}.`);
    }
  }
}

// ---- rendering ----

type Placeholder = { name: string; start: number; end: number; inString: boolean };

/** Every `<name>` in a template, with whether it sits inside a quoted JSON string. */
function placeholders(template: string): Placeholder[] {
  const out: Placeholder[] = [];
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "\\" && inString) {
      i++;
    } else if (c === '"') {
      inString = !inString;
    } else if (c === "<") {
      const end = template.indexOf(">", i + 1);
      if (end < 0) break;
      const name = template.slice(i + 1, end);
      if (name.length > 0 && !name.includes("<")) {
        out.push({ name, start: i, end: end + 1, inString });
        i = end;
      }
    }
  }
  return out;
}

function withoutQuotes(v: unknown): string {
  return JSON.stringify(v).replaceAll('"', "");
}

function render(value: unknown, jsonContext: boolean): string {
  if (value === undefined) return jsonContext ? '""' : "";
  if (jsonContext) return JSON.stringify(value);
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) return withoutQuotes(value);
  return String(value);
}

function reservedValue(name: string, event: EventEnvelope, ctx: TargetInputContext): unknown {
  switch (name) {
    case "aws.events.rule-arn":
      return ctx.ruleArn;
    case "aws.events.rule-name":
      return ctx.ruleName;
    case "aws.events.event.ingestion-time":
      return ctx.ingestionTime;
    case "aws.events.event.json":
      return event;
    case "aws.events.event": {
      const rest: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(event)) if (k !== "detail") rest[k === "detail-type" ? "detailType" : k] = v;
      return rest;
    }
  }
  return undefined;
}

export function renderInputTemplate(t: InputTransformerConfig, event: EventEnvelope, ctx: TargetInputContext): string {
  const template = t.inputTemplate;
  const isJson = /^\s*[{[]/.test(template);
  const values = new Map<string, unknown>();
  for (const [key, path] of Object.entries(t.inputPathsMap ?? {})) {
    const parsed = parseJsonPath(path);
    values.set(key, parsed ? evaluateJsonPath(parsed, event) : undefined);
  }
  let out = "";
  let at = 0;
  for (const p of placeholders(template)) {
    const reserved = (RESERVED_VARIABLES as readonly string[]).includes(p.name);
    if (!reserved && !values.has(p.name)) continue; // not a variable: left as written
    const value = reserved ? reservedValue(p.name, event, ctx) : values.get(p.name);
    out += template.slice(at, p.start) + render(value, isJson && !p.inString);
    at = p.end;
  }
  return out + template.slice(at);
}

/** The payload a rule target receives for `event`, as text (JSON unless the template is text). */
export function applyTargetInput(event: EventEnvelope, cfg: TargetInputConfig, ctx: TargetInputContext): string {
  if (cfg.input !== undefined) return cfg.input;
  if (cfg.inputPath !== undefined) {
    const parsed = parseJsonPath(cfg.inputPath);
    const value = parsed ? evaluateJsonPath(parsed, event) : undefined;
    return value === undefined ? "" : JSON.stringify(value);
  }
  if (cfg.inputTransformer) return renderInputTemplate(cfg.inputTransformer, event, ctx);
  return JSON.stringify(event);
}
