// ESLint flat config: `npm run lint` (part of `npm test`).
// typescript-eslint's recommended rules everywhere; no import cycles in server/ (lazy
// `await import()` included); SQL only in repositories and a short, explained allow-list; plus the
// React hooks rules for the console.
// No `--cache`: ESLint caches a result per file, but whether a file is part of a cycle depends on the
// files it imports, so a cached "no cycle" would hide a cycle made by editing another file.
import path from "node:path";
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Files that may run SQL although they are not `*.repository.ts`. Each entry says why; keep it short.
const SQL_ALLOWED = [
  // The pool, the Prisma client and withTransaction are defined here.
  "server/db.ts",
  // The migration runner and the embedded PostgreSQL bootstrap talk to the server before any
  // repository can exist (CREATE DATABASE, advisory locks, the migrations table).
  "server/db/**",
  // The CLI probes which database answers (DATABASE_URL or the embedded one) before it migrates.
  "server/cli/database.ts",
  // pg-boss's own database adapter: hands a caller's transaction to pg-boss so a job is enqueued in
  // the transaction that commits the state it follows from (moving to server/platform/).
  "server/jobs/boss.ts",
  // The platform layer's own database plumbing (transactional enqueue, the transaction gate, the
  // LISTEN connection). Its tables still go through `*.repository.ts` files like any domain's.
  "server/platform/db/**",
  "server/platform/enqueue.ts",
  "server/platform/tx-gate.ts",
  "server/platform/listen.ts",
  // Tests seed and inspect the database directly; benchmarks set up and measure it.
  "**/*.test.ts",
  "tests/**",
  "bench/**",
];

const REPOSITORY = ["**/*.repository.ts"];

const sqlMessage =
  "SQL belongs in a *.repository.ts (database handle first, see server/db.ts Queryable); services pass the handle they were given.";

const consoleMessage = "The console reads and writes through tRPC procedures and the services they call.";

// The dependency rule (docs/architecture.md): imports point down, main → http / trpc / jobs/catalog →
// domains → platform → core. A domain never imports a door (server/http: the AWS, REST and gateway
// doors; server/trpc, except a domain's own *.router.ts, which is the console's door for that
// domain), an entry point or the job catalog; platform and core never import a domain or a door.
// Type-only imports vanish at runtime and are allowed (a door's request type in a signature).
const layerMessage =
  "Imports point down (docs/architecture.md): main → http / trpc / jobs/catalog → domains → platform → core. Move the logic into the domain and let the door call it (pass the door's function as an argument if the use case needs one).";
const below = (what) => ({
  regex: `^(\\.\\./)+(${what})(/|$)|^@/server/(${what})(/|$)`,
  allowTypeImports: true,
  message: layerMessage,
});
const SQL_IMPORTS = {
  paths: [{ name: "pg", allowTypeImports: true, message: sqlMessage }],
  patterns: [{ regex: "(^|/)db$", importNames: ["prisma"], message: sqlMessage }],
};
const DOMAIN_UP = ["http|main|trpc", "jobs/catalog"].map(below);
const ROUTER_UP = ["http|main", "jobs/catalog", "trpc/root"].map(below);
const LOWER_UP = ["http|main|trpc|domains", "jobs/catalog"].map(below);
const ROUTERS = ["server/domains/**/*.router.ts", "server/domains/**/*.router-*.ts"];
const withLayers = (patterns, sql = true) => [
  "error",
  sql ? { ...SQL_IMPORTS, patterns: [...SQL_IMPORTS.patterns, ...patterns] } : { patterns },
];

export default defineConfig([
  globalIgnores([
    "node_modules/",
    ".next/",
    ".data/",
    ".bench/",
    "server/generated/",
    "test-results/",
    "tmp/",
    "next-env.d.ts",
  ]),

  { linterOptions: { reportUnusedDisableDirectives: "error" } },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      // `_`-prefixed names mark a parameter that a signature needs but the body does not (handlers
      // with a fixed shape); everything else unused is an error.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },

  // The few plain JavaScript files (configs, the CLI launcher) run on Node. TypeScript files need no
  // globals list: typescript-eslint turns `no-undef` off for them because tsc checks names.
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" },
    },
  },

  // The two classic hooks rules. The plugin's React Compiler rules (its `recommended` set) are left
  // out: the console does not use the compiler, and they cost a Babel pass per file.
  {
    files: ["app/**/*.tsx", "components/**/*.tsx", "lib/**/*.ts", "lib/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },

  // No import cycles in the server. A cycle hidden behind `await import()` is still a cycle (the
  // modules still need each other to work), so dynamic imports count: that is the rule's default,
  // spelled out so nobody turns it on thinking it is a harmless tweak. Type-only imports do not
  // count (they vanish at runtime).
  {
    files: ["server/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      // Without these the rule silently skips every .ts file it reaches and finds no cycle at all.
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [
        createNodeResolver({
          extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
          conditionNames: ["import", "node", "default"],
          // The `@/` alias: an import the resolver cannot follow is an edge the cycle check never sees.
          tsconfig: { configFile: path.join(import.meta.dirname, "tsconfig.json") },
        }),
      ],
    },
    rules: {
      "import-x/no-cycle": [
        "error",
        { maxDepth: "∞", ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false },
      ],
    },
  },

  // Only repositories run SQL. Elsewhere: no statement on any handle (`x.query(sql)`, also inside a
  // withTransaction callback), no `pool().query()/connect()`, no Prisma client, no raw `pg` client.
  // Services may still open a transaction (withTransaction) or pass `pool()` as the handle: the handle
  // comes first in every repository function precisely so that the caller chooses the transaction.
  // tRPC's `.query(handler)` takes a function and is not matched.
  {
    files: ["server/**/*.ts"],
    ignores: [...REPOSITORY, ...SQL_ALLOWED],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", SQL_IMPORTS],
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.property.name='query']:not([arguments.0.type='ArrowFunctionExpression']):not([arguments.0.type='FunctionExpression'])",
          message: sqlMessage,
        },
        {
          selector:
            "CallExpression[callee.property.name!='query'][callee.object.type='CallExpression'][callee.object.callee.name='pool']",
          message: sqlMessage,
        },
        {
          selector: "CallExpression[callee.property.name=/^\\$(queryRaw|executeRaw)(Unsafe)?$/]",
          message: sqlMessage,
        },
        {
          selector: "TaggedTemplateExpression[tag.property.name=/^\\$(queryRaw|executeRaw)$/]",
          message: sqlMessage,
        },
      ],
    },
  },

  // The dependency rule. `@typescript-eslint/no-restricted-imports` takes one option set per file, so
  // each block below repeats the SQL restriction where the block above applies it.
  {
    files: ["server/domains/**/*.ts"],
    ignores: ["**/*.test.ts", ...ROUTERS, ...REPOSITORY],
    rules: { "@typescript-eslint/no-restricted-imports": withLayers(DOMAIN_UP) },
  },
  {
    files: ROUTERS,
    ignores: ["**/*.test.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": withLayers(ROUTER_UP) },
  },
  {
    files: REPOSITORY.map((r) => `server/domains/${r}`),
    ignores: ["**/*.test.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": withLayers(DOMAIN_UP, false) },
  },
  {
    files: ["server/platform/**/*.ts", "server/core/**/*.ts"],
    ignores: ["**/*.test.ts", ...SQL_ALLOWED],
    rules: { "@typescript-eslint/no-restricted-imports": withLayers(LOWER_UP) },
  },

  // The console (pages, route handlers, components) reaches data through tRPC and the services, never
  // through a database handle of its own.
  {
    files: ["app/**/*.ts", "app/**/*.tsx", "components/**/*.tsx", "lib/**/*.ts", "lib/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [{ name: "pg", allowTypeImports: true, message: consoleMessage }],
          patterns: [{ regex: "(^|/)server/db$", allowTypeImports: true, message: consoleMessage }],
        },
      ],
    },
  },
]);
