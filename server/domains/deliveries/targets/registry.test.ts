import { describe, expect, it } from "vitest";
import { PROTOCOLS } from "../../topics/subscription.service";
import { targetForProtocol, targetKind, targetKinds } from "./registry";

describe("target kinds", () => {
  it("serve every subscription protocol with exactly one kind", () => {
    for (const p of PROTOCOLS) expect(targetKinds().filter((k) => k.protocols.includes(p))).toHaveLength(1);
    expect(targetForProtocol("sqs").kind).toBe("queue");
    expect(targetForProtocol("https").kind).toBe("webhook");
    expect(targetForProtocol("email-json").kind).toBe("email");
  });

  it("refuse what no kind serves", () => {
    expect(() => targetForProtocol("lambda")).toThrow(/no target kind serves protocol lambda/);
    expect(() => targetKind("bus" as never)).toThrow(/unknown target kind/);
  });

  it("only local kinds deliver in batches inside a transaction", () => {
    expect(targetKinds().map((k) => [k.kind, k.mode])).toEqual([
      ["queue", "local"],
      ["webhook", "remote"],
      ["email", "remote"],
    ]);
  });
});
