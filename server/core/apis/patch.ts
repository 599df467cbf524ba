import { badRequest } from "./model";

// API Gateway's Update* calls take JSON-Patch-like operations ({ op, path, value, from }) whose paths
// name fields (`/description`), map entries (`/requestTemplates/application~1json`, `~1` for `/`) and
// list members (`/binaryMediaTypes/image~1png`). Each call declares its fields; anything else is
// AWS's "Invalid patch path".

export type PatchOperation = { op?: string; path?: string; value?: string; from?: string };

export type FieldKind = "string" | "boolean" | "int" | "stringMap" | "boolMap" | "list";

export const unescapePointer = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");

function convert(kind: "string" | "boolean" | "int", value: string | undefined, path: string): unknown {
  if (value === undefined || value === null) {
    if (kind === "string") return undefined;
    throw badRequest(`Invalid null or empty value in ${path}`);
  }
  if (kind === "boolean") {
    if (value !== "true" && value !== "false") throw badRequest(`Invalid boolean value in ${path}: ${value}`);
    return value === "true";
  }
  if (kind === "int") {
    const n = Number(value);
    if (!/^-?\d+$/.test(String(value)) || !Number.isSafeInteger(n))
      throw badRequest(`Invalid integer value in ${path}: ${value}`);
    return n;
  }
  return value;
}

/**
 * Applies operations to `target` (mutated) using `fields` (top-level member name → kind). Returns the
 * names of the members changed. `custom` handles paths the table does not cover (return false to refuse).
 */
export function applyPatch(
  target: Record<string, unknown>,
  ops: PatchOperation[] | undefined,
  fields: Record<string, FieldKind>,
  custom?: (op: PatchOperation, segments: string[]) => boolean,
): void {
  for (const o of ops ?? []) {
    const op = o.op ?? "replace";
    if (!["add", "remove", "replace", "move", "copy", "test"].includes(op))
      throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy]`);
    const path = o.path ?? "";
    if (!path.startsWith("/")) throw badRequest(`Invalid patch path ${path}`);
    const segments = path.slice(1).split("/").map(unescapePointer);
    if (custom?.(o, segments)) continue;
    const name = segments[0];
    const kind = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
    if (!kind) throw badRequest(`Invalid patch path ${path}`);
    if (kind === "stringMap" || kind === "boolMap" || kind === "list") {
      if (kind === "list" && segments.length === 1 && op === "replace") {
        target[name] = o.value ? o.value.split(",") : [];
        continue;
      }
      if (segments.length < 2) throw badRequest(`Invalid patch path ${path}`);
      const key = segments.slice(1).join("/");
      if (kind === "list") {
        const list = ((target[name] as string[] | undefined) ?? []).slice();
        if (op === "remove") target[name] = list.filter((x) => x !== key);
        else if (!list.includes(key)) target[name] = [...list, key];
        continue;
      }
      const map = { ...((target[name] as Record<string, unknown> | undefined) ?? {}) };
      if (op === "remove") delete map[key];
      else if (op === "add" || op === "replace")
        map[key] = kind === "boolMap" ? convert("boolean", o.value ?? "false", path) : (o.value ?? "");
      else throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace]`);
      target[name] = map;
      continue;
    }
    if (segments.length !== 1) throw badRequest(`Invalid patch path ${path}`);
    if (op === "remove") delete target[name];
    else if (op === "replace" || op === "add") {
      const v = convert(kind, o.value, path);
      if (v === undefined) delete target[name];
      else target[name] = v;
    } else throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace]`);
  }
}
