import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";

// Fills in the secrets a process needs when the operator did not set them: the master key
// (encrypts API key secrets) and the auth secret (signs session JWTs) are generated once into the
// data folder, mode 0600, and reused on every start. Operators who run several processes set
// them explicitly (or share the data folder).
export async function loadRuntimeEnv(opts: { requireDatabaseUrl: boolean }): Promise<{ dataDir: string }> {
  const dataDir = path.resolve(process.env.SIGNALBOX_DATA_DIR ?? ".data");
  process.env.SIGNALBOX_DATA_DIR = dataDir;
  mkdirSync(dataDir, { recursive: true });
  const fromFile = (name: string, make: () => string) => {
    const f = path.join(dataDir, name);
    if (!existsSync(f)) {
      writeFileSync(f, make() + "\n", { mode: 0o600 });
      chmodSync(f, 0o600);
    }
    return readFileSync(f, "utf8").trim();
  };
  process.env.SIGNALBOX_MASTER_KEY ||= fromFile("master.key", () => randomBytes(32).toString("hex"));
  process.env.NEXTAUTH_SECRET ||= fromFile("auth.secret", () => randomBytes(32).toString("base64url"));
  // Sign-in redirects follow the host the browser used unless the operator pins a public URL
  // (a fixed NEXTAUTH_URL breaks under another host name, or on a port chosen at start-up).
  if (process.env.SIGNALBOX_PUBLIC_URL) process.env.NEXTAUTH_URL ||= process.env.SIGNALBOX_PUBLIC_URL;
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ||= "true";
  if (opts.requireDatabaseUrl && !process.env.DATABASE_URL) {
    throw new Error(
      "DATABASE_URL is not set. `npm start` runs an embedded PostgreSQL; start:web and start:worker need DATABASE_URL.",
    );
  }
  return { dataDir };
}
