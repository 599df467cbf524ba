import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationStatus, readMigrations, MIGRATIONS_DIR } from "../../server/db/migrate";
import { TEST_DATABASE_URL } from "../helpers/env";
import { defaultIndexName, expectedColumnType, parsePrismaSchema, type PrismaSchema } from "../helpers/prisma-schema";

// Drift check: the hand-written SQL migrations must build exactly the database the Prisma schema
// describes (Prisma's client trusts the schema; `prisma migrate` would diff against it). Each run
// migrates a fresh database of its own, so nothing other tests create can hide or cause drift.

const SCHEMA_DIR = path.resolve(import.meta.dirname, "../../prisma/schema");
const dbName = `signalbox_drift_${randomUUID().slice(0, 8)}`;
const url = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${dbName}` }).toString();
const adminUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: "/postgres" }).toString();
let db: pg.Client;
let schema: PrismaSchema;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await admin(`CREATE DATABASE "${dbName}"`);
  const applied = await migrate(url);
  expect(applied.length).toBeGreaterThan(0);
  db = new pg.Client({ connectionString: url });
  await db.connect();
  schema = parsePrismaSchema(SCHEMA_DIR);
});

afterAll(async () => {
  await db?.end();
  await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
});

type Col = {
  table: string;
  column: string;
  dataType: string;
  udt: string;
  nullable: boolean;
  precision: number | null;
  length: number | null;
};
type Idx = { table: string; name: string; unique: boolean; primary: boolean; partial: boolean; columns: string[] };

async function columns(): Promise<Col[]> {
  const r = await db.query(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision, character_maximum_length
       FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  return r.rows.map((x) => ({
    table: x.table_name,
    column: x.column_name,
    dataType: x.data_type,
    udt: x.udt_name,
    nullable: x.is_nullable === "YES",
    precision: x.datetime_precision,
    length: x.character_maximum_length,
  }));
}

async function indexes(): Promise<Idx[]> {
  const r = await db.query(
    `SELECT t.relname::text AS table, i.relname::text AS name, ix.indisunique AS unique, ix.indisprimary AS primary, ix.indpred IS NOT NULL AS partial,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary, ix.indpred`,
  );
  return r.rows;
}

describe("migrations match prisma/schema (drift check)", () => {
  it("reads a non-trivial schema", () => {
    expect(schema.models.length).toBeGreaterThan(5);
    expect(schema.models.find((m) => m.name === "User")?.table).toBe("users");
  });

  it("has a table for every model and no table that no model describes", async () => {
    const r = await db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const actual = new Set<string>(r.rows.map((x) => x.table_name));
    const expected = new Set(schema.models.map((m) => m.table));
    expect(
      [...expected].filter((t) => !actual.has(t)),
      "models without a table",
    ).toEqual([]);
    expect(
      [...actual].filter((t) => !expected.has(t) && t !== "_prisma_migrations"),
      "tables without a model",
    ).toEqual([]);
  });

  it("has every field as a column with the right type and nullability, and no extra columns", async () => {
    const cols = await columns();
    const problems: string[] = [];
    for (const m of schema.models) {
      const actual = new Map(cols.filter((c) => c.table === m.table).map((c) => [c.column, c]));
      for (const f of m.fields) {
        const c = actual.get(f.column);
        const where = `${m.file}: ${m.name}.${f.name} (${m.table}.${f.column})`;
        if (!c) {
          problems.push(`${where}: column missing`);
          continue;
        }
        actual.delete(f.column);
        const want = expectedColumnType(f, schema);
        if (c.dataType !== want.dataType || c.udt !== want.udt)
          problems.push(`${where}: type is ${c.dataType}/${c.udt}, schema says ${want.dataType}/${want.udt}`);
        if (want.precision !== undefined && c.precision !== want.precision)
          problems.push(`${where}: precision is ${c.precision}, schema says ${want.precision}`);
        if (want.length !== undefined && c.length !== want.length)
          problems.push(`${where}: length is ${c.length}, schema says ${want.length}`);
        if (c.nullable !== f.optional)
          problems.push(
            `${where}: ${c.nullable ? "nullable" : "NOT NULL"} in the database, ${f.optional ? "optional" : "required"} in the schema`,
          );
      }
      for (const extra of actual.keys())
        problems.push(`${m.file}: ${m.table}.${extra} exists in the database but not in model ${m.name}`);
    }
    expect(problems).toEqual([]);
  });

  it("has every enum with the same values", async () => {
    const r = await db.query(
      `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
        GROUP BY t.typname`,
    );
    const actual = new Map<string, string[]>(r.rows.map((x) => [x.name, x.values]));
    for (const [name, values] of schema.enums) {
      const dbName = schema.enumDbNames.get(name) ?? name;
      expect(actual.get(dbName), `enum ${name}`).toEqual(values);
      actual.delete(dbName);
    }
    expect([...actual.keys()], "enum types without a Prisma enum").toEqual([]);
  });

  it("has every @id, @unique, @@unique and @@index, under Prisma's names, and no others", async () => {
    const idx = await indexes();
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const m of schema.models) {
      const actual = idx.filter((i) => i.table === m.table);
      for (const want of m.indexes) {
        const kind = want.primary ? "@id" : want.unique ? "@unique" : "@@index";
        const match = actual.find(
          (i) =>
            !i.partial &&
            i.primary === want.primary &&
            i.unique === want.unique &&
            i.columns.join(",") === want.columns.join(","),
        );
        if (!match) {
          problems.push(`${m.file}: ${m.name} ${kind}(${want.columns.join(", ")}) has no matching index on ${m.table}`);
          continue;
        }
        seen.add(`${m.table}.${match.name}`);
        const name = want.name ?? defaultIndexName(m.table, want);
        if (match.name !== name)
          problems.push(
            `${m.file}: ${m.name} ${kind}(${want.columns.join(", ")}) is named ${match.name}, Prisma expects ${name}`,
          );
      }
    }
    const modelTables = new Set(schema.models.map((m) => m.table));
    for (const i of idx) {
      // Prisma's schema cannot express partial indexes (WHERE …), so those may exist beyond it.
      if (modelTables.has(i.table) && !seen.has(`${i.table}.${i.name}`) && !i.partial)
        problems.push(`index ${i.name} on ${i.table}(${i.columns.join(", ")}) is not in the Prisma schema`);
    }
    expect(problems).toEqual([]);
  });
});

describe("migration runner", () => {
  it("records every migration as Prisma does (name, sha256 checksum, finished)", async () => {
    const files = await readMigrations();
    const r = await db.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(r.rows.map((x) => x.migration_name)).toEqual(files.map((f) => f.name));
    for (const f of files) {
      const row = r.rows.find((x) => x.migration_name === f.name)!;
      const sha = createHash("sha256")
        .update(readFileSync(path.join(MIGRATIONS_DIR, f.name, "migration.sql")))
        .digest("hex");
      expect(row.checksum).toBe(sha);
      expect(row.finished_at).not.toBeNull();
    }
    expect(await migrationStatus(url)).toEqual({
      applied: expect.arrayContaining(files.map((f) => f.name)),
      pending: [],
    });
  });

  it("applying again is a no-op", async () => {
    const before = await db.query(`SELECT id, checksum FROM "_prisma_migrations" ORDER BY id`);
    expect(await migrate(url)).toEqual([]);
    const after = await db.query(`SELECT id, checksum FROM "_prisma_migrations" ORDER BY id`);
    expect(after.rows).toEqual(before.rows);
  });

  it("refuses to run when an applied migration was changed (checksum differs)", async () => {
    const first = (await readMigrations())[0];
    const original = (
      await db.query(`SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1`, [first.name])
    ).rows[0].checksum;
    // Same effect as editing the applied file: the recorded checksum no longer matches it.
    await db.query(`UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [
      "0".repeat(64),
      first.name,
    ]);
    try {
      await expect(migrate(url)).rejects.toThrow(/changed after it was applied/);
    } finally {
      await db.query(`UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [original, first.name]);
    }
    expect(await migrate(url)).toEqual([]);
  });

  it("rebuilds the same schema from an empty database, applying every migration in order", async () => {
    const files = await readMigrations();
    const tablesBefore = (
      await db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)
    ).rows[0].n;
    await db.query(`BEGIN`);
    try {
      await db.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
      await db.query(`COMMIT`);
    } catch (e) {
      await db.query(`ROLLBACK`);
      throw e;
    }
    const applied = await migrate(url);
    expect(applied).toEqual(files.map((f) => f.name));
    const tablesAfter = (
      await db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)
    ).rows[0].n;
    expect(tablesAfter).toBe(tablesBefore);
  });
});
