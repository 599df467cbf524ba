import { describe, expect, it } from "vitest";
import { checkAddress, embeddedIPv4, parseAllowList, parseIPv6, unmapIPv4 } from "./ip-guard";

describe("checkAddress: IPv6 forms that carry a non-public IPv4 address are refused", () => {
  it.each([
    // [address, form named in the reason, embedded IPv4 named in the reason]
    ["::ffff:127.0.0.1", null, "127.0.0.1"],
    ["::ffff:7f00:1", null, "127.0.0.1"],
    ["[::ffff:169.254.169.254]", null, "169.254.169.254"],
    ["::127.0.0.1", "IPv4-compatible", "127.0.0.1"],
    ["[::127.0.0.1]", "IPv4-compatible", "127.0.0.1"],
    ["::a00:1", "IPv4-compatible", "10.0.0.1"],
    ["::ffff:0:7f00:1", "IPv4-translated", "127.0.0.1"],
    ["[::ffff:0:7f00:1]", "IPv4-translated", "127.0.0.1"],
    ["::ffff:0:192.168.1.1", "IPv4-translated", "192.168.1.1"],
    ["0:0:0:0:ffff:0:a9fe:a9fe", "IPv4-translated", "169.254.169.254"],
    ["2002:7f00:1::", "6to4", "127.0.0.1"],
    ["2002:a9fe:a9fe::1", "6to4", "169.254.169.254"],
    ["2002:c0a8:101:1::5", "6to4", "192.168.1.1"],
    // Teredo: the server part in clear (10.0.0.1), or the client part inverted (127.0.0.1).
    ["2001:0:a00:1::1", "Teredo", "10.0.0.1"],
    ["2001:0:808:808:0:0:80ff:fffe", "Teredo", "127.0.0.1"],
    ["64:ff9b::127.0.0.1", "NAT64", "127.0.0.1"],
    ["64:ff9b::a9fe:a9fe", "NAT64", "169.254.169.254"],
    ["64:ff9b::10.1.2.3", "NAT64", "10.1.2.3"],
  ])("%s is refused (%s carrying %s)", (address, form, v4) => {
    const v = checkAddress(address);
    expect(v.allowed).toBe(false);
    if (v.allowed) return;
    expect(v.reason).toContain(v4);
    if (form) expect(v.reason).toContain(`${form} IPv6 address carrying IPv4 ${v4}`);
    expect(v.reason).toContain("SIGNALBOX_WEBHOOK_ALLOWLIST");
  });

  it.each([
    ["64:ff9b:1::808:808", "local-use NAT64"],
    ["64:ff9b::8.8.8.8", "NAT64"],
    ["2002:808:808::1", "6to4"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fd00::1", "unique-local"],
    ["fe80::1%eth0", "link-local"],
    ["10.1.2.3", "private"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["100.64.0.1", "carrier-grade NAT"],
  ])("%s is refused as %s", (address, why) => {
    const v = checkAddress(address);
    expect(v.allowed).toBe(false);
    if (!v.allowed) expect(v.reason).toContain(why);
  });

  it.each([
    ["8.8.8.8", "8.8.8.8"],
    ["::ffff:8.8.8.8", "8.8.8.8"],
    ["2606:4700:4700::1111", "2606:4700:4700::1111"],
    ["2001:0:808:808::f7f7:fbfb", "2001:0:808:808::f7f7:fbfb"],
    ["::8.8.8.8", "::8.8.8.8"],
  ])("%s is public and allowed (connect to %s)", (address, connect) => {
    expect(checkAddress(address)).toEqual({ allowed: true, address: connect });
  });

  it("the allow-list opens an IPv4 range for its mapped form only", () => {
    const { list } = parseAllowList("127.0.0.1");
    expect(checkAddress("::ffff:127.0.0.1", list)).toEqual({ allowed: true, address: "127.0.0.1" });
    expect(checkAddress("::ffff:0:7f00:1", list).allowed).toBe(false);
  });
});

describe("IPv6 parsing", () => {
  it.each([
    ["::", [0, 0, 0, 0, 0, 0, 0, 0]],
    ["::1", [0, 0, 0, 0, 0, 0, 0, 1]],
    ["1::", [1, 0, 0, 0, 0, 0, 0, 0]],
    ["::ffff:1.2.3.4", [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]],
    ["[2001:db8::8:800:200c:417a]", [0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]],
    ["not-an-address", undefined],
  ])("%s", (text, groups) => expect(parseIPv6(text)).toEqual(groups));

  it("unmaps only the mapped form", () => {
    expect(unmapIPv4("::ffff:a00:1")).toBe("10.0.0.1");
    expect(unmapIPv4("::ffff:0:a00:1")).toBe("::ffff:0:a00:1");
    expect(embeddedIPv4("2606:4700::1")).toBeUndefined();
  });
});
