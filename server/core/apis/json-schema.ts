// Request body validation against a model's JSON Schema (draft 4, as API Gateway models use):
// type, enum, required, properties, additionalProperties, patternProperties, items, min/maxItems,
// uniqueItems, min/maxLength, pattern, minimum/maximum (with draft 4's boolean exclusives),
// multipleOf, min/maxProperties, allOf/anyOf/oneOf/not, and local `$ref`s (#/definitions/...).
// Returns the first errors found (empty when valid).

type Schema = Record<string, unknown>;

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === "number" && actual === "integer");
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node as Schema | undefined;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function validateSchema(schema: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, schema, value, "", errors, 0);
  return errors.slice(0, 10);
}

function check(root: Schema, s: Schema, v: unknown, at: string, errors: string[], depth: number): void {
  if (depth > 64 || errors.length >= 10) return;
  const where = at || "/";
  if (typeof s.$ref === "string") {
    const target = resolveRef(root, s.$ref);
    if (target) check(root, target, v, at, errors, depth + 1);
    return;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(v, t))) {
      errors.push(
        `instance type (${typeOf(v)}) does not match any allowed primitive type (allowed: [${types.map((t) => `"${t}"`).join(",")}]) at ${where}`,
      );
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, v)))
    errors.push(`instance value (${JSON.stringify(v)}) not found in enum at ${where}`);
  for (const sub of (s.allOf as Schema[] | undefined) ?? []) check(root, sub, v, at, errors, depth + 1);
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some((sub) => validateSub(root, sub, v, at, depth)))
    errors.push(`instance failed to match at least one required schema among ${s.anyOf.length} at ${where}`);
  if (Array.isArray(s.oneOf)) {
    const n = (s.oneOf as Schema[]).filter((sub) => validateSub(root, sub, v, at, depth)).length;
    if (n !== 1)
      errors.push(`instance failed to match exactly one schema (matched ${n} out of ${s.oneOf.length}) at ${where}`);
  }
  if (s.not && typeof s.not === "object" && validateSub(root, s.not as Schema, v, at, depth))
    errors.push(`instance matched a schema which it should not have at ${where}`);

  if (typeof v === "string") {
    if (typeof s.minLength === "number" && [...v].length < s.minLength)
      errors.push(
        `string "${v}" is too short (length: ${[...v].length}, required minimum: ${s.minLength}) at ${where}`,
      );
    if (typeof s.maxLength === "number" && [...v].length > s.maxLength)
      errors.push(`string "${v}" is too long (length: ${[...v].length}, maximum allowed: ${s.maxLength}) at ${where}`);
    if (typeof s.pattern === "string") {
      let ok: boolean;
      try {
        ok = new RegExp(s.pattern, "u").test(v);
      } catch {
        ok = true;
      }
      if (!ok) errors.push(`ECMA 262 regex "${s.pattern}" does not match input string "${v}" at ${where}`);
    }
  }
  if (typeof v === "number") {
    if (typeof s.minimum === "number" && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum))
      errors.push(
        `numeric instance is lower than the required minimum (minimum: ${s.minimum}, found: ${v}) at ${where}`,
      );
    if (typeof s.maximum === "number" && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum))
      errors.push(
        `numeric instance is greater than the required maximum (maximum: ${s.maximum}, found: ${v}) at ${where}`,
      );
    if (
      typeof s.multipleOf === "number" &&
      s.multipleOf > 0 &&
      Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9
    )
      errors.push(`remainder of division is not zero (${v} / ${s.multipleOf}) at ${where}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === "number" && v.length < s.minItems)
      errors.push(
        `array is too short: must have at least ${s.minItems} elements but instance has ${v.length} elements at ${where}`,
      );
    if (typeof s.maxItems === "number" && v.length > s.maxItems)
      errors.push(
        `array is too long: must have at most ${s.maxItems} elements but instance has ${v.length} elements at ${where}`,
      );
    if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length)
      errors.push(`array must not contain duplicate elements at ${where}`);
    if (Array.isArray(s.items))
      (s.items as Schema[]).forEach(
        (sub, i) => i < v.length && check(root, sub, v[i], `${at}/${i}`, errors, depth + 1),
      );
    else if (s.items && typeof s.items === "object")
      v.forEach((x, i) => check(root, s.items as Schema, x, `${at}/${i}`, errors, depth + 1));
  }
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (Array.isArray(s.required)) {
      const missing = (s.required as string[]).filter((k) => !Object.prototype.hasOwnProperty.call(obj, k));
      if (missing.length)
        errors.push(`object has missing required properties ([${missing.map((k) => `"${k}"`).join(",")}]) at ${where}`);
    }
    if (typeof s.minProperties === "number" && keys.length < s.minProperties)
      errors.push(
        `object has too few properties (found ${keys.length} but schema requires at least ${s.minProperties}) at ${where}`,
      );
    if (typeof s.maxProperties === "number" && keys.length > s.maxProperties)
      errors.push(
        `object has too many properties (found ${keys.length} but schema requires at most ${s.maxProperties}) at ${where}`,
      );
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    const patterns = Object.entries((s.patternProperties as Record<string, Schema> | undefined) ?? {});
    const extra: string[] = [];
    for (const k of keys) {
      let matched = false;
      if (Object.prototype.hasOwnProperty.call(props, k)) {
        matched = true;
        check(root, props[k], obj[k], `${at}/${k}`, errors, depth + 1);
      }
      for (const [p, sub] of patterns) {
        let re: RegExp | null;
        try {
          re = new RegExp(p, "u");
        } catch {
          re = null;
        }
        if (re?.test(k)) {
          matched = true;
          check(root, sub, obj[k], `${at}/${k}`, errors, depth + 1);
        }
      }
      if (!matched) {
        if (s.additionalProperties === false) extra.push(k);
        else if (s.additionalProperties && typeof s.additionalProperties === "object")
          check(root, s.additionalProperties as Schema, obj[k], `${at}/${k}`, errors, depth + 1);
      }
    }
    if (extra.length)
      errors.push(
        `object instance has properties which are not allowed by the schema: [${extra.map((k) => `"${k}"`).join(",")}] at ${where}`,
      );
  }
}

function validateSub(root: Schema, s: Schema, v: unknown, at: string, depth: number): boolean {
  const errs: string[] = [];
  check(root, s, v, at, errs, depth + 1);
  return errs.length === 0;
}
