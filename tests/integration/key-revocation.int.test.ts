import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { revokeApiKey } from "../../server/domains/api-keys/api-key.service";
import { createTestTenant } from "../helpers/fixtures";
import { startWeb } from "../helpers/server";

// A revoked key must stop working at once on every web process, also after the process lost its
// database connections: notifications sent while its LISTEN connection was down are lost, so the
// connection has to come back by itself and the key cache must not outlive the gap.

let web: Awaited<ReturnType<typeof startWeb>>;
beforeAll(async () => {
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

/** Local ports of the process's TCP connections to PostgreSQL (port 5432), from /proc. */
function pgClientPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  const ports: number[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      const local = parseInt(f[1]!.split(":")[1]!, 16);
      const remote = parseInt(f[2]!.split(":")[1]!, 16);
      if (remote === 5432) ports.push(local);
    }
  }
  return ports;
}

/** Terminates every backend serving the web process: what a failover or a restart does to it. */
async function terminateBackendsOf(pid: number): Promise<number> {
  const r = await pool().query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND pid <> pg_backend_pid()`,
    [pgClientPorts(pid)],
  );
  return r.rowCount ?? 0;
}

/** The web process has a connection LISTENing again (the last statement of an idle LISTEN connection is LISTEN). */
async function listenerBack(pid: number, notPids: number[]): Promise<boolean> {
  const r = await pool().query(
    `SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND query ILIKE 'LISTEN %'`,
    [pgClientPorts(pid)],
  );
  return r.rows.some((x) => !notPids.includes(x.pid));
}

async function listenerPids(pid: number): Promise<number[]> {
  const r = await pool().query(
    `SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND query ILIKE 'LISTEN %'`,
    [pgClientPorts(pid)],
  );
  return r.rows.map((x) => x.pid as number);
}

async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 15_000) {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function whoami(key: { id: string; secret: string }): Promise<number> {
  const res = await fetch(`${web.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${key.id}.${key.secret}` } });
  await res.arrayBuffer();
  return res.status;
}

/**
 * The notice (or the news of the lost connection) reaches the web process a moment after the
 * revoking transaction commits, on another socket than the request: allow that moment, but far
 * less than the cache's 10-second lifetime, which is what a process without working notices
 * would fall back on.
 */
async function refusedSoon(key: { id: string; secret: string }) {
  await waitFor("the revoked key to be refused", async () => (await whoami(key)) === 401, 3_000);
}

describe("key revocation after the web process lost its database connections", () => {
  it("the LISTEN connection comes back and a key revoked afterwards is refused at once", async () => {
    const t = await createTestTenant();
    await waitFor("the revocation listener", () => listenerBack(web.pid, []));
    expect(await whoami(t.key)).toBe(200);
    const before = await listenerPids(web.pid);
    expect(await terminateBackendsOf(web.pid)).toBeGreaterThan(0);

    await waitFor("the revocation listener to reconnect", () => listenerBack(web.pid, before));
    // Cached again after the reconnect...
    await waitFor("the key to work again", async () => (await whoami(t.key)) === 200);
    expect(await whoami(t.key)).toBe(200);
    // ...and still dropped the moment it is revoked.
    await revokeApiKey(t.actor, t.tenant.id, t.key.id);
    await refusedSoon(t.key);
  });

  it("a key revoked while the listener is down is refused too", async () => {
    const t = await createTestTenant();
    await waitFor("the revocation listener", () => listenerBack(web.pid, []));
    expect(await whoami(t.key)).toBe(200);
    await terminateBackendsOf(web.pid);
    // The notice of this revocation may reach nobody: the cache must not be trusted meanwhile.
    await revokeApiKey(t.actor, t.tenant.id, t.key.id);
    await refusedSoon(t.key);
  });
});
