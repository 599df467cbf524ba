import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// A small reader for the parts of prisma/schema/*.prisma that decide the database's shape:
// models (@@map), scalar fields (@map, optional, native types), enums, @id/@@id, @unique/@@unique,
// @@index. Relation fields are skipped (their foreign-key columns are ordinary scalar fields).
// Used by the drift test, which compares it with a migrated database, because Prisma's own
// `migrate diff` needs an engine that cannot be downloaded here.

export type PrismaField = {
  name: string;
  column: string;
  type: string;
  optional: boolean;
  list: boolean;
  nativeType: string | null;
  id: boolean;
  unique: boolean;
  uniqueMap: string | null;
};
export type PrismaIndex = { columns: string[]; unique: boolean; name: string | null; primary: boolean };
export type PrismaModel = { name: string; table: string; fields: PrismaField[]; indexes: PrismaIndex[]; file: string };
export type PrismaSchema = { models: PrismaModel[]; enums: Map<string, string[]>; enumDbNames: Map<string, string> };

export const SCALARS = new Set(["String", "Int", "BigInt", "Boolean", "DateTime", "Json", "Float", "Decimal", "Bytes"]);

/** Removes `//` comments that are not inside a string literal. */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && inString) {
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    if (!inString && c === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  return line;
}

function attrArg(attrs: string, name: string): string | null {
  const m = new RegExp(`${name}\\s*:\\s*"([^"]+)"`).exec(attrs);
  return m ? m[1] : null;
}

/** `[a, b(sort: Desc), c(ops: raw("x"))]` → ["a", "b", "c"] (field names). */
function fieldList(s: string): string[] {
  const inner = /\[(.*)\]/.exec(s)?.[1] ?? "";
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of inner) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim().replace(/\(.*$/, "").trim()).filter(Boolean);
}

export function parsePrismaSchema(dir: string): PrismaSchema {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".prisma"))
    .sort();
  const rawModels: Array<{ name: string; file: string; lines: string[] }> = [];
  const enums = new Map<string, string[]>();
  const enumDbNames = new Map<string, string>();
  for (const file of files) {
    const lines = readFileSync(path.join(dir, file), "utf8").split("\n").map(stripComment);
    let block: { kind: string; name: string; lines: string[] } | null = null;
    for (const raw of lines) {
      const line = raw.trim();
      if (!block) {
        const m = /^(model|enum|type|view)\s+(\w+)\s*\{$/.exec(line);
        if (m) block = { kind: m[1], name: m[2], lines: [] };
        continue;
      }
      if (line === "}") {
        if (block.kind === "model") rawModels.push({ name: block.name, file, lines: block.lines });
        if (block.kind === "enum") {
          const values = block.lines
            .filter((l) => /^\w+/.test(l))
            .map((l) => /@map\(\s*"([^"]+)"/.exec(l)?.[1] ?? /^(\w+)/.exec(l)![1]);
          const dbName = block.lines.map((l) => /^@@map\(\s*"([^"]+)"/.exec(l)?.[1]).find(Boolean);
          enums.set(block.name, values);
          if (dbName) enumDbNames.set(block.name, dbName);
        }
        block = null;
        continue;
      }
      if (line) block.lines.push(line);
    }
  }
  const modelNames = new Set(rawModels.map((m) => m.name));

  const models: PrismaModel[] = rawModels.map(({ name, file, lines }) => {
    const fields: PrismaField[] = [];
    const blockAttrs = lines.filter((l) => l.startsWith("@@"));
    for (const l of lines) {
      if (l.startsWith("@@")) continue;
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(l);
      if (!m) continue;
      const [, fname, type, list, optional, attrs] = m;
      // Relation fields (another model's type) are not columns.
      if (modelNames.has(type)) continue;
      if (!SCALARS.has(type) && !enums.has(type)) throw new Error(`${file}: ${name}.${fname} has unknown type ${type}`);
      const map = /@map\(\s*"([^"]+)"/.exec(attrs)?.[1];
      const native = /@db\.(\w+(?:\([^)]*\))?)/.exec(attrs)?.[1] ?? null;
      const uniqueAttr = /@unique(\(([^)]*)\))?/.exec(attrs);
      fields.push({
        name: fname,
        column: map ?? fname,
        type,
        optional: !!optional,
        list: !!list,
        nativeType: native,
        id: /@id\b/.test(attrs),
        unique: !!uniqueAttr,
        uniqueMap: uniqueAttr?.[2] ? attrArg(uniqueAttr[2], "map") : null,
      });
    }
    const table = blockAttrs.map((a) => /^@@map\(\s*"([^"]+)"/.exec(a)?.[1]).find(Boolean) ?? name;
    const col = (f: string) => {
      const field = fields.find((x) => x.name === f);
      if (!field) throw new Error(`${file}: ${name} refers to unknown field ${f}`);
      return field.column;
    };
    const indexes: PrismaIndex[] = [];
    for (const f of fields) {
      if (f.id) indexes.push({ columns: [f.column], unique: true, primary: true, name: null });
      if (f.unique) indexes.push({ columns: [f.column], unique: true, primary: false, name: f.uniqueMap });
    }
    for (const a of blockAttrs) {
      const m = /^@@(id|unique|index)\((.*)\)$/.exec(a);
      if (!m) continue;
      const columns = fieldList(m[2]).map(col);
      indexes.push({ columns, unique: m[1] !== "index", primary: m[1] === "id", name: attrArg(m[2], "map") });
    }
    return { name, table, fields, indexes, file };
  });
  return { models, enums, enumDbNames };
}

/** Prisma's default constraint/index names (`users_email_key`, `memberships_user_id_idx`, `users_pkey`), capped at 63 bytes. */
export function defaultIndexName(table: string, idx: PrismaIndex): string {
  if (idx.primary) return `${table}_pkey`.slice(0, 63);
  const suffix = idx.unique ? "_key" : "_idx";
  const base = `${table}_${idx.columns.join("_")}`;
  return base.length + suffix.length > 63 ? base.slice(0, 63 - suffix.length) + suffix : base + suffix;
}

/** What information_schema should say for a field: data_type, udt_name and datetime precision. */
export function expectedColumnType(
  f: PrismaField,
  schema: Pick<PrismaSchema, "enums" | "enumDbNames">,
): { dataType: string; udt: string; precision?: number; length?: number } {
  if (f.list) {
    const inner = expectedColumnType({ ...f, list: false }, schema);
    return { dataType: "ARRAY", udt: `_${inner.udt}` };
  }
  if (schema.enums.has(f.type)) return { dataType: "USER-DEFINED", udt: schema.enumDbNames.get(f.type) ?? f.type };
  const native = f.nativeType;
  const n = native ? /^(\w+)(?:\((\d+)(?:,\s*\d+)?\))?$/.exec(native) : null;
  const nName = n?.[1];
  const nArg = n?.[2] !== undefined ? Number(n[2]) : undefined;
  switch (f.type) {
    case "String":
      if (nName === "Uuid") return { dataType: "uuid", udt: "uuid" };
      if (nName === "VarChar") return { dataType: "character varying", udt: "varchar", length: nArg };
      if (nName === "Char") return { dataType: "character", udt: "bpchar", length: nArg };
      if (nName === "Citext") return { dataType: "USER-DEFINED", udt: "citext" };
      if (nName && nName !== "Text") throw new Error(`unsupported native type @db.${native}`);
      return { dataType: "text", udt: "text" };
    case "Int":
      if (nName === "SmallInt") return { dataType: "smallint", udt: "int2" };
      return { dataType: "integer", udt: "int4" };
    case "BigInt":
      return { dataType: "bigint", udt: "int8" };
    case "Boolean":
      return { dataType: "boolean", udt: "bool" };
    case "Float":
      if (nName === "Real") return { dataType: "real", udt: "float4" };
      return { dataType: "double precision", udt: "float8" };
    case "Decimal":
      return { dataType: "numeric", udt: "numeric" };
    case "Bytes":
      return { dataType: "bytea", udt: "bytea" };
    case "Json":
      if (nName === "Json") return { dataType: "json", udt: "json" };
      return { dataType: "jsonb", udt: "jsonb" };
    case "DateTime":
      if (nName === "Timestamptz")
        return { dataType: "timestamp with time zone", udt: "timestamptz", precision: nArg ?? 6 };
      if (nName === "Date") return { dataType: "date", udt: "date" };
      if (nName === "Timestamp")
        return { dataType: "timestamp without time zone", udt: "timestamp", precision: nArg ?? 6 };
      // Prisma's default for DateTime is timestamp(3) without time zone.
      return { dataType: "timestamp without time zone", udt: "timestamp", precision: 3 };
  }
  throw new Error(`unsupported type ${f.type}`);
}
