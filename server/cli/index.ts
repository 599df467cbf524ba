// The operator CLI (`npx signalbox …`, bin/signalbox.mjs): headless setup and automation.
// Exit codes: 0 done, 1 the command failed, 2 the command line is wrong.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { readFileSync } from "node:fs";
import { z } from "zod";

process.env.LOG_LEVEL ??= "warn";
process.env.SIGNALBOX_PROCESS ??= "cli";

const HELP: Record<string, string> = {
  main: `Usage: signalbox <command> [options]

Commands:
  migrate                                   apply pending database migrations
  user create --email <e> --password <p>    create a person who can sign in
  user reset-password --email <e>           set a new password; ends sessions and sign-in locks
  tenant create --name <n> --owner <email>  create a tenant (team) owned by an existing user
  tenant delete <slug> --yes                delete a tenant and everything in it
  key create --tenant <t> --name <n>        create an API key; prints its id and secret once
  key revoke <key id>                       revoke an API key at once

Database: DATABASE_URL when set; otherwise the embedded PostgreSQL of the data folder
(SIGNALBOX_DATA_DIR, default .data), used while \`npm start\` runs or started for the command.

Run \`signalbox <command> --help\` for a command's options.`,
  migrate: `Usage: signalbox migrate

Applies every pending migration in prisma/migrations (each in its own transaction) and records it
in _prisma_migrations. Safe to run while Signalbox is running and from several machines at once.`,
  "user create": `Usage: signalbox user create --email <email> (--password <password> | --password-stdin) [--name <name>] [--json]

  --email           sign-in email (unique)
  --password        at least 10 characters (visible to other local users in the process list;
                    prefer --password-stdin)
  --password-stdin  read the password from standard input
  --name            display name
  --json            print {"id","email"}`,
  "user reset-password": `Usage: signalbox user reset-password --email <email> (--password <password> | --password-stdin)

Sets a new password for someone who cannot sign in (forgotten password, or an account locked by
someone else's guesses). Every session of theirs ends, and the sign-in lock on the account is
cleared. Audited as the operator.

  --email           the person's sign-in email
  --password        at least 10 characters (prefer --password-stdin)
  --password-stdin  read the password from standard input`,
  "tenant create": `Usage: signalbox tenant create --name <name> --owner <email> [--json]

  --name   the team's name; its slug (used in console URLs) is derived from it
  --owner  email of an existing user, who becomes the tenant's owner
  --json   print {"id","name","slug","accountId","owner"}`,
  "tenant delete": `Usage: signalbox tenant delete <slug|id> --yes [--json]

Deletes the tenant (team) and everything in it: queues and their messages, topics, subscriptions,
deliveries and their attempt log, API keys, members, invites and its audit log. Waiting background
jobs of the tenant are dropped; running ones end on their own. The deletion itself is audited
(without a tenant). There is no undo.

  --yes    required: confirms the deletion
  --json   print {"id","name","slug","accountId","deleted"}`,
  "key create": `Usage: signalbox key create --tenant <name|slug|id> --name <name> [--role <role>] [--expires <ISO date>] [--json]

  --tenant   the tenant, by id, slug or exact name
  --name     what the key is for
  --role     owner | admin | developer | viewer (default: developer)
  --expires  expiry as an ISO 8601 date or date-time in the future, e.g. 2027-01-31
  --json     print {"id","secret","tenant","accountId","role"}

The secret is printed once and cannot be shown again.`,
  "key revoke": `Usage: signalbox key revoke <key id>

Revokes the key; requests signed with it fail at once on every server.`,
};

class UsageError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
  }
}

function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  help: string,
  positionals = 0,
) {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: positionals > 0,
      strict: true,
    });
    if (r.positionals.length > positionals)
      throw new UsageError(`Unexpected argument: ${r.positionals[positionals]}`, help);
    return r;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, "."), help);
  }
}

/** zod issues as `--field: message` lines, the CLI's form of field errors. */
function validate<S extends z.ZodType>(schema: S, value: unknown, help: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.length ? "--" + i.path.join(".") : "input"}: ${i.message}`);
  throw new UsageError(`Invalid options:\n${lines.join("\n")}`, help);
}

const ROLE_VALUES = ["owner", "admin", "developer", "viewer"] as const;

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(HELP.main + "\n");
    return cmd ? 0 : 2;
  }
  if (cmd !== "migrate" && (sub === undefined || sub === "--help" || sub === "-h")) {
    const sub_ = Object.keys(HELP).filter((k) => k.startsWith(`${cmd} `));
    if (sub_.length === 0) throw new UsageError(`Unknown command: ${cmd}.`, HELP.main);
    if (sub === undefined)
      throw new UsageError(`\`${cmd}\` needs a subcommand: ${sub_.join(", ")}.`, sub_.map((k) => HELP[k]).join("\n\n"));
    process.stdout.write(sub_.map((k) => HELP[k]).join("\n\n") + "\n");
    return 0;
  }
  const name = cmd === "migrate" ? "migrate" : `${cmd} ${sub ?? ""}`.trim();
  if (!(name in HELP)) {
    const known = [
      "migrate",
      "user create",
      "user reset-password",
      "tenant create",
      "tenant delete",
      "key create",
      "key revoke",
    ];
    throw new UsageError(`Unknown command: ${name}. Commands: ${known.join(", ")}.`, HELP.main);
  }
  const args = cmd === "migrate" ? [sub, ...rest].filter((a): a is string => a !== undefined) : rest;
  const help = HELP[name];
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(help + "\n");
    return 0;
  }

  // Validate the command line before touching any database.
  let run: () => Promise<void>;
  const out = (s: string) => process.stdout.write(s + "\n");
  switch (name) {
    case "migrate": {
      parse(args, {}, help);
      run = async () => {
        const { migrate } = await import("../db/migrate");
        const applied = await migrate(process.env.DATABASE_URL!, (m) => out(m));
        out(applied.length ? `Applied ${applied.length} migration(s).` : "Database is up to date.");
      };
      break;
    }
    case "user create": {
      const { values } = parse(
        args,
        {
          email: { type: "string" },
          password: { type: "string" },
          "password-stdin": { type: "boolean" },
          name: { type: "string" },
          json: { type: "boolean" },
        },
        help,
      );
      if (values.password !== undefined && values["password-stdin"])
        throw new UsageError("Use either --password or --password-stdin, not both.", help);
      const password = values["password-stdin"] ? readFileSync(0, "utf8").replace(/\r?\n$/, "") : values.password;
      const { emailSchema, passwordSchema } = await import("../domains/users/user.service");
      const input = validate(
        z.object({
          email: z.string({ error: "Required" }).pipe(emailSchema),
          password: z.string({ error: "Required" }).pipe(passwordSchema),
          name: z.string().trim().min(1, "Must not be empty").max(100, "At most 100 characters").optional(),
        }),
        { email: values.email, password, name: values.name },
        help,
      );
      run = async () => {
        const { cliActor, cliCreateUser } = await import("./operations");
        const user = await cliCreateUser(cliActor(), input);
        out(
          values.json
            ? JSON.stringify({ id: user.id, email: user.email })
            : `Created user ${user.email} (id ${user.id}).`,
        );
      };
      break;
    }
    case "user reset-password": {
      const { values } = parse(
        args,
        { email: { type: "string" }, password: { type: "string" }, "password-stdin": { type: "boolean" } },
        help,
      );
      if (values.password !== undefined && values["password-stdin"])
        throw new UsageError("Use either --password or --password-stdin, not both.", help);
      const password = values["password-stdin"] ? readFileSync(0, "utf8").replace(/\r?\n$/, "") : values.password;
      const { emailSchema, passwordSchema } = await import("../domains/users/user.service");
      const input = validate(
        z.object({
          email: z.string({ error: "Required" }).pipe(emailSchema),
          password: z.string({ error: "Required" }).pipe(passwordSchema),
        }),
        { email: values.email, password },
        help,
      );
      run = async () => {
        const { cliActor, cliResetPassword } = await import("./operations");
        await cliResetPassword(cliActor(), input);
        out(`Set a new password for ${input.email}; their sessions ended and any sign-in lock is cleared.`);
      };
      break;
    }
    case "tenant create": {
      const { values } = parse(
        args,
        { name: { type: "string" }, owner: { type: "string" }, json: { type: "boolean" } },
        help,
      );
      const { emailSchema } = await import("../domains/users/user.service");
      const { tenantNameSchema } = await import("../domains/tenants/tenant.schemas");
      const input = validate(
        z.object({
          name: z.string({ error: "Required" }).pipe(tenantNameSchema),
          owner: z.string({ error: "Required" }).pipe(emailSchema),
        }),
        values,
        help,
      );
      run = async () => {
        const { cliActor, cliCreateTenant } = await import("./operations");
        const t = await cliCreateTenant(cliActor(), input);
        out(
          values.json
            ? JSON.stringify(t)
            : `Created tenant ${t.name} (slug ${t.slug}, account id ${t.accountId}, id ${t.id}), owned by ${t.owner}.`,
        );
      };
      break;
    }
    case "key create": {
      const { values } = parse(
        args,
        {
          tenant: { type: "string" },
          name: { type: "string" },
          role: { type: "string" },
          expires: { type: "string" },
          json: { type: "boolean" },
        },
        help,
      );
      const input = validate(
        z.object({
          tenant: z.string({ error: "Required" }).trim().min(1, "Required"),
          name: z.string({ error: "Required" }).trim().min(1, "Give the key a name").max(80, "At most 80 characters"),
          role: z.enum(ROLE_VALUES, { error: `One of ${ROLE_VALUES.join(", ")}` }).default("developer"),
          expires: z
            .string()
            .regex(
              /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/,
              "An ISO 8601 date, e.g. 2027-01-31 or 2027-01-31T12:00:00Z",
            )
            .transform((s) => new Date(s))
            .refine((d) => !Number.isNaN(d.getTime()), "Not a valid date")
            .refine((d) => d.getTime() > Date.now(), "Must be in the future")
            .optional(),
        }),
        values,
        help,
      );
      run = async () => {
        const { cliActor, cliCreateKey } = await import("./operations");
        const k = await cliCreateKey(cliActor(), {
          tenant: input.tenant,
          name: input.name,
          role: input.role,
          expiresAt: input.expires ?? null,
        });
        if (values.json)
          out(
            JSON.stringify({
              id: k.id,
              secret: k.secret,
              tenant: k.tenant.slug,
              accountId: k.tenant.accountId,
              role: k.role,
            }),
          );
        else {
          out(
            `Created API key "${k.name}" (${k.role}) for tenant ${k.tenant.slug} (account ${k.tenant.accountId})${k.expiresAt ? `, expires ${k.expiresAt.toISOString()}` : ""}.`,
          );
          out(`  Access key id:      ${k.id}`);
          out(`  Secret access key:  ${k.secret}`);
          out("The secret is shown only now: store it safely.");
        }
      };
      break;
    }
    case "tenant delete": {
      const { values, positionals } = parse(args, { yes: { type: "boolean" }, json: { type: "boolean" } }, help, 1);
      const { tenant } = validate(
        z.object({ tenant: z.string({ error: "Required: the tenant's slug or id" }).trim().min(1, "Required") }),
        { tenant: positionals[0] },
        help,
      );
      if (!values.yes) throw new UsageError(`Deleting ${tenant} cannot be undone: add --yes to confirm.`, help);
      run = async () => {
        const { cliActor, cliDeleteTenant } = await import("./operations");
        const t = await cliDeleteTenant(cliActor(), tenant);
        const d = t.deleted;
        out(
          values.json
            ? JSON.stringify(t)
            : `Deleted tenant ${t.name} (slug ${t.slug}, account ${t.accountId}): ${d.queues} queue(s), ${d.topics} topic(s), ${d.apiKeys} API key(s), ${d.members} member(s).`,
        );
      };
      break;
    }
    case "key revoke": {
      const { positionals } = parse(args, {}, help, 1);
      const { id } = validate(
        z.object({
          id: z
            .string({ error: "Required: the key id (SBAK…)" })
            .regex(/^SBAK[A-Z2-7]{16}$/, "Not an API key id (SBAK followed by 16 characters)"),
        }),
        { id: positionals[0] },
        help,
      );
      run = async () => {
        const { cliActor, cliRevokeKey } = await import("./operations");
        await cliRevokeKey(cliActor(), id);
        out(`Revoked API key ${id}.`);
      };
      break;
    }
    default:
      throw new UsageError(`Unknown command: ${name}`, HELP.main);
  }

  const { loadRuntimeEnv } = await import("../main/runtime-env");
  const { dataDir } = await loadRuntimeEnv({ requireDatabaseUrl: false });
  const { openDatabase, assertMigrated } = await import("./database");
  const db = await openDatabase(dataDir, { autoMigrate: name !== "migrate" });
  const { closeDb } = await import("../db");
  try {
    if (name !== "migrate") await assertMigrated(db.url);
    await run();
  } finally {
    await closeDb();
    await db.close();
  }
  return 0;
}

function describe(e: unknown): { message: string; code: number } {
  if (e instanceof UsageError) return { message: `error: ${e.message}\n\n${e.help}`, code: 2 };
  const err = e as {
    name?: string;
    message?: string;
    fieldErrors?: Record<string, string[]>;
    code?: string;
    exitCode?: number;
    issues?: Array<{ path: PropertyKey[]; message: string }>;
  };
  if (err?.name === "ZodError" && err.issues)
    return {
      message: `error: invalid input:\n${err.issues.map((i) => `  --${i.path.join(".")}: ${i.message}`).join("\n")}`,
      code: 2,
    };
  if (err?.name === "AppError") {
    const fields = err.fieldErrors
      ? "\n" +
        Object.entries(err.fieldErrors)
          .map(([k, v]) => `  --${k}: ${v.join("; ")}`)
          .join("\n")
      : "";
    return { message: `error: ${err.message}${fields}`, code: 1 };
  }
  if (err?.code === "ECONNREFUSED" || err?.code === "ENOTFOUND" || err?.code === "28P01" || err?.code === "3D000") {
    return { message: `error: cannot reach the database (${err.message}). Check DATABASE_URL.`, code: 1 };
  }
  return { message: `error: ${err?.message ?? String(e)}`, code: err?.exitCode ?? 1 };
}

try {
  const code = await main(process.argv.slice(2));
  process.exit(code);
} catch (e) {
  const { message, code } = describe(e);
  process.stderr.write(message + "\n");
  process.exit(code);
}
