import { describe, expect, it, vi } from "vitest";
import { parseAllowList } from "../core/net/ip-guard";
import { clientAddress, DEFAULT_TRUSTED_PROXIES, PEER_HEADER } from "./client-address";

// A reverse proxy on the same machine, as an operator would configure it.
const loopback = parseAllowList("127.0.0.0/8,::1/128").list;
const proxies = parseAllowList("10.0.0.0/8").list;

describe("clientAddress", () => {
  it.each([
    // [peer, X-Forwarded-For, trusted proxies, client address]
    ["203.0.113.9", undefined, loopback, "203.0.113.9"],
    // A client cannot choose its address by sending the header itself.
    ["203.0.113.9", "1.2.3.4", loopback, "203.0.113.9"],
    ["::ffff:203.0.113.9", "1.2.3.4, 5.6.7.8", loopback, "203.0.113.9"],
    // Behind a trusted proxy: the right-most address that is not a trusted proxy.
    ["127.0.0.1", "198.51.100.7", loopback, "198.51.100.7"],
    ["10.1.1.1", "1.2.3.4, 198.51.100.7, 10.2.2.2", proxies, "198.51.100.7"],
    ["10.1.1.1", undefined, proxies, "10.1.1.1"],
    ["10.1.1.1", "garbage", proxies, "10.1.1.1"],
    ["10.1.1.1", "198.51.100.7", loopback, "10.1.1.1"],
  ])("peer %s, X-Forwarded-For %s → %s", (peer, xff, list, want) => {
    const headers: Record<string, unknown> = { [PEER_HEADER]: peer };
    if (xff) headers["x-forwarded-for"] = xff;
    expect(clientAddress(headers, list as never)).toBe(want);
  });

  it("by default believes no proxy: a loopback peer rotating X-Forwarded-For is still the loopback peer", () => {
    const none = parseAllowList(DEFAULT_TRUSTED_PROXIES).list;
    expect(clientAddress({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "198.51.100.7" }, none)).toBe("127.0.0.1");
  });

  it("is unknown without the web server's stamp", () => {
    expect(clientAddress({ "x-forwarded-for": "1.2.3.4" }, loopback)).toBeNull();
  });

  it("refuses to start with a SIGNALBOX_TRUSTED_PROXIES that is not CIDRs", async () => {
    vi.resetModules();
    process.env.SIGNALBOX_TRUSTED_PROXIES = "10.0.0.0/8, nonsense";
    try {
      const { env } = await import("../env");
      expect(() => env()).toThrow(/SIGNALBOX_TRUSTED_PROXIES: not IP addresses or CIDRs: nonsense/);
    } finally {
      delete process.env.SIGNALBOX_TRUSTED_PROXIES;
    }
  });
});
