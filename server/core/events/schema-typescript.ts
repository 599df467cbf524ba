// TypeScript types from a registry schema: pure code, no I/O.
//
// Accepts both document kinds the registry stores: OpenAPI 3 (every `components.schemas` entry
// becomes an exported type, `AWSEvent` first) and JSON Schema draft-04 (the root under its title,
// then `definitions`). Covers the vocabulary that event schemas use: object/array/scalar types,
// type arrays, `nullable`, `enum`, `$ref`, `anyOf`/`oneOf`/`allOf`, `additionalProperties`.
// Anything it cannot describe becomes `unknown`, never a wrong type.

type Node = Record<string, unknown>;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A valid TypeScript type name for a schema/component name. */
export function typeName(name: string): string {
  const parts = name.split(/[^A-Za-z0-9_$]+/).filter(Boolean);
  let s = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
  if (!s) s = "Schema";
  if (/^[0-9]/.test(s)) s = `_${s}`;
  return s;
}

function propKey(k: string): string {
  return IDENT.test(k) ? k : JSON.stringify(k);
}

function refName(ref: string): string {
  const last = ref.split("/").pop() ?? "unknown";
  return typeName(decodeURIComponent(last.replace(/~1/g, "/").replace(/~0/g, "~")));
}

function literal(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
  return "unknown";
}

function indentBlock(text: string, pad: string): string {
  return text
    .split("\n")
    .map((l, i) => (i === 0 ? l : pad + l))
    .join("\n");
}

function render(node: unknown, depth: number): string {
  if (depth > 40 || !node || typeof node !== "object") return "unknown";
  const s = node as Node;
  let t: string;
  if (typeof s.$ref === "string") t = refName(s.$ref);
  else if (Array.isArray(s.enum)) t = s.enum.map(literal).join(" | ") || "never";
  else if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const alts = ((s.anyOf ?? s.oneOf) as unknown[]).map((a) => render(a, depth + 1));
    t = alts.length ? [...new Set(alts)].join(" | ") : "unknown";
  } else if (Array.isArray(s.allOf)) {
    const parts = (s.allOf as unknown[]).map((a) => render(a, depth + 1));
    t = parts.length ? parts.map((p) => (p.includes("|") ? `(${p})` : p)).join(" & ") : "unknown";
  } else {
    const types = Array.isArray(s.type) ? (s.type as unknown[]) : s.type === undefined ? [] : [s.type];
    const alts = types.map((ty) => scalarOrStructure(String(ty), s, depth));
    if (!alts.length) alts.push(s.properties ? scalarOrStructure("object", s, depth) : "unknown");
    t = [...new Set(alts)].join(" | ");
  }
  if (s.nullable === true && t !== "unknown" && !t.split(" | ").includes("null")) t = `${t} | null`;
  return t;
}

function scalarOrStructure(type: string, s: Node, depth: number): string {
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item =
        s.items && typeof s.items === "object" && !Array.isArray(s.items) ? render(s.items, depth + 1) : "unknown";
      return /[ |&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case "object":
      return objectType(s, depth);
    default:
      return "unknown";
  }
}

function objectType(s: Node, depth: number): string {
  const props = s.properties && typeof s.properties === "object" ? (s.properties as Record<string, unknown>) : {};
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const lines: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    lines.push(`${propKey(k)}${required.has(k) ? "" : "?"}: ${indentBlock(render(v, depth + 1), "  ")};`);
  }
  const ap = s.additionalProperties;
  if (ap && typeof ap === "object") lines.push(`[key: string]: ${indentBlock(render(ap, depth + 1), "  ")};`);
  else if (ap === true || (!lines.length && ap !== false)) lines.push("[key: string]: unknown;");
  return `{\n${lines.map((l) => `  ${l}`).join("\n")}\n}`;
}

function declaration(name: string, node: unknown): string {
  const body = render(node, 0);
  const n = node as Node | null;
  const isObject = body.startsWith("{") && !body.includes("\n} |");
  const doc: string[] = [];
  if (n && typeof n["x-amazon-events-source"] === "string") doc.push(`source: ${n["x-amazon-events-source"]}`);
  if (n && typeof n["x-amazon-events-detail-type"] === "string")
    doc.push(`detail-type: ${n["x-amazon-events-detail-type"]}`);
  if (n && typeof n.description === "string") doc.push(n.description.replace(/\*\//g, "*\\/"));
  const comment = doc.length ? `/** ${doc.join("; ")} */\n` : "";
  return isObject ? `${comment}export interface ${name} ${body}\n` : `${comment}export type ${name} = ${body};\n`;
}

/** The TypeScript declarations of a schema document (OpenAPI 3 or JSON Schema draft-04). */
export function schemaToTypeScript(doc: unknown, fallbackName = "Schema"): string {
  if (!doc || typeof doc !== "object") return `export type ${typeName(fallbackName)} = unknown;\n`;
  const d = doc as Node;
  const decls: string[] = [];
  const components = (d.components as Node | undefined)?.schemas as Record<string, unknown> | undefined;
  if (typeof d.openapi === "string" || components) {
    const names = Object.keys(components ?? {});
    names.sort((a, b) => (a === "AWSEvent" ? -1 : b === "AWSEvent" ? 1 : 0));
    for (const n of names) decls.push(declaration(typeName(n), components![n]));
    if (!decls.length) decls.push(`export type ${typeName(fallbackName)} = unknown;\n`);
  } else {
    const defs = (d.definitions ?? {}) as Record<string, unknown>;
    const rootName = typeName(typeof d.title === "string" ? d.title : fallbackName);
    const root: Node = { ...d };
    delete root.definitions;
    delete root.$schema;
    delete root.title;
    decls.push(declaration(Object.keys(defs).includes(rootName) ? `${rootName}Root` : rootName, root));
    for (const [n, v] of Object.entries(defs)) decls.push(declaration(typeName(n), v));
  }
  return decls.join("\n");
}
