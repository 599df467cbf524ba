import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The guardrails only guard if they fire: lint a small made-up tree with the project's own
// eslint.config.js and check each rule catches what it is for (and leaves alone what it is not for).
const root = path.resolve(import.meta.dirname, "../..");
let dir: string;
let results: Map<string, ESLint.LintResult>;

const files: Record<string, string> = {
  "server/db.ts": `import pg from "pg";\nexport const pool = () => new pg.Pool();\nexport const prisma = () => ({});\n`,
  // A static cycle.
  "server/a/one.ts": `import { two } from "./two";\nexport const one = () => two();\n`,
  "server/a/two.ts": `import { one } from "./one";\nexport const two = (): number => (one ? 2 : 0);\n`,
  // A cycle hidden behind a lazy import, as server/jobs/boss.ts does with the catalog.
  "server/b/lazy.ts": `export async function run() {\n  const { handlers } = await import("./handlers");\n  return handlers;\n}\n`,
  "server/b/handlers.ts": `import { run } from "./lazy";\nexport const handlers = [run];\n`,
  // Type-only imports vanish at runtime: not a cycle.
  "server/c/types-a.ts": `import type { B } from "./types-b";\nexport type A = { b?: B };\nexport const a = 1;\n`,
  "server/c/types-b.ts": `import type { A } from "./types-a";\nexport type B = { a?: A };\nexport const b = 2;\n`,
  // SQL outside a repository, in each of the ways it shows up.
  "server/d/thing.service.ts": [
    `import type { Queryable } from "../db";`,
    `import { pool, prisma } from "../db";`,
    `import pg from "pg";`,
    `import { listThings } from "./thing.repository";`,
    `export async function direct(db: Queryable) {`,
    `  await db.query("SELECT 1");`,
    `}`,
    `export async function connect() {`,
    `  const c = await pool().connect();`,
    `  c.release();`,
    `}`,
    `export const raw = () => [prisma, new pg.Client()];`,
    `// Passing the pool as the handle is how a service says "no transaction": allowed.`,
    `export const list = () => listThings(pool());`,
    ``,
  ].join("\n"),
  // The same SQL in a repository is what repositories are for.
  "server/d/thing.repository.ts": [
    `import type { Queryable } from "../db";`,
    `import { pool } from "../db";`,
    `export async function listThings(db: Queryable) {`,
    `  return (await db.query("SELECT 1")).rows;`,
    `}`,
    `export const viaPool = () => pool().query("SELECT 2");`,
    ``,
  ].join("\n"),
  // tRPC's `.query(handler)` is not SQL; a type-only pg import is not a client.
  "server/d/thing.router.ts": [
    `import type pg from "pg";`,
    `declare const procedure: { query: (fn: () => unknown) => unknown };`,
    `export const list = procedure.query(async () => 1);`,
    `export type Row = pg.QueryResultRow;`,
    ``,
  ].join("\n"),
  // The dependency rule: a domain importing a door (what apis.console-test.ts once did with the AWS
  // door's test-invoke), the job catalog or tRPC; a domain's router may use tRPC; core importing a
  // domain; type-only imports and a domain's own sibling named like a layer are fine.
  "server/domains/e/use.service.ts": [
    `import { testInvokeMethod } from "../../http/aws/apigateway/test-invoke";`,
    `import type { AwsCall } from "../../http/aws/types";`,
    `import { handlers } from "../../jobs/catalog";`,
    `import { router } from "../../trpc/trpc";`,
    `import { serveRequest } from "@/server/http/gateway/gateway";`,
    `import { local } from "./http";`,
    `import { sqlFree } from "../other/thing.service";`,
    `import { pool } from "../../db";`,
    `export const all = [testInvokeMethod, handlers, router, serveRequest, local, sqlFree, pool];`,
    `export type Call = AwsCall;`,
    ``,
  ].join("\n"),
  "server/domains/e/use.router.ts": [
    `import { router } from "../../trpc/trpc";`,
    `import { appRouter } from "../../trpc/root";`,
    `import { door } from "../../http/door";`,
    `export const all = [router, appRouter, door];`,
    ``,
  ].join("\n"),
  "server/domains/e/use.repository.ts": [
    `import { pool } from "../../db";`,
    `import { door } from "../../main/web";`,
    `export const all = [pool().query("SELECT 1"), door];`,
    ``,
  ].join("\n"),
  "server/core/e/pure.ts": [
    `import { use } from "../../domains/e/use.service";`,
    `import type { Call } from "../../domains/e/use.service";`,
    `import { other } from "../apis/model";`,
    `export const all = [use, other];`,
    `export type C = Call;`,
    ``,
  ].join("\n"),
  // The console has no database handle of its own; types are fine.
  "components/d/thing-list.tsx": [
    `import type { Queryable } from "@/server/db";`,
    `import { withTransaction } from "@/server/db";`,
    `export type Props = { db?: Queryable };`,
    `export const ThingList = () => <p>{String(withTransaction)}</p>;`,
    ``,
  ].join("\n"),
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "signalbox-lint-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: path.join(root, "eslint.config.js"), cache: false });
  const out = await eslint.lintFiles(["server/**/*.ts", "components/**/*.tsx"]);
  results = new Map(out.map((r) => [path.relative(dir, r.filePath), r]));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function ruleLines(file: string, rule: string): number[] {
  const r = results.get(file);
  if (!r) throw new Error(`${file} was not linted`);
  const fatal = r.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`${file}: ${fatal.map((m) => m.message).join("; ")}`);
  return r.messages.filter((m) => m.ruleId === rule).map((m) => m.line);
}

describe("eslint.config.js", () => {
  it("lints every file of the made-up tree", () => {
    expect([...results.keys()].sort()).toEqual(Object.keys(files).sort());
  });

  it("reports a static import cycle in server/", () => {
    expect(ruleLines("server/a/one.ts", "import-x/no-cycle")).toEqual([1]);
    expect(ruleLines("server/a/two.ts", "import-x/no-cycle")).toEqual([1]);
  });

  it("reports a cycle hidden behind await import()", () => {
    expect(ruleLines("server/b/lazy.ts", "import-x/no-cycle")).toEqual([2]);
    expect(ruleLines("server/b/handlers.ts", "import-x/no-cycle")).toEqual([1]);
  });

  it("does not count type-only imports as a cycle", () => {
    expect(ruleLines("server/c/types-a.ts", "import-x/no-cycle")).toEqual([]);
    expect(ruleLines("server/c/types-b.ts", "import-x/no-cycle")).toEqual([]);
  });

  it("reports SQL, pool().connect(), Prisma and raw pg clients outside repositories", () => {
    const file = "server/d/thing.service.ts";
    expect(ruleLines(file, "@typescript-eslint/no-restricted-imports")).toEqual([2, 3]);
    expect(ruleLines(file, "no-restricted-syntax")).toEqual([6, 9]);
  });

  it("reports a domain, its repository or core importing a layer above it, but not types or a router's tRPC", () => {
    const rule = "@typescript-eslint/no-restricted-imports";
    expect(ruleLines("server/domains/e/use.service.ts", rule)).toEqual([1, 3, 4, 5]);
    expect(ruleLines("server/domains/e/use.router.ts", rule)).toEqual([2, 3]);
    expect(ruleLines("server/domains/e/use.repository.ts", rule)).toEqual([2]);
    expect(ruleLines("server/core/e/pure.ts", rule)).toEqual([1]);
  });

  it("keeps database handles out of the console, but not their types", () => {
    expect(ruleLines("components/d/thing-list.tsx", "@typescript-eslint/no-restricted-imports")).toEqual([2]);
  });

  it("lets repositories run SQL, routers define tRPC queries and anyone import pg's types", () => {
    for (const file of ["server/d/thing.repository.ts", "server/d/thing.router.ts", "server/db.ts"]) {
      expect(results.get(file)?.messages).toEqual([]);
    }
  });
});
