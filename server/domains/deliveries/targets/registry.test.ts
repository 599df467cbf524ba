import { describe, expect, it } from "vitest";
import { PROTOCOLS } from "../../topics/subscription.service";
import { kindOfProtocol, subscriptionProtocols } from "../topic-delivery";
import { invocationKind, targetForProtocol, targetKind, targetKinds } from "./registry";

describe("target kinds", () => {
  it("serve every subscription protocol with exactly one kind", () => {
    for (const p of PROTOCOLS) expect(targetKinds().filter((k) => k.protocols.includes(p))).toHaveLength(1);
    expect(targetForProtocol("sqs").kind).toBe("queue");
    expect(targetForProtocol("https").kind).toBe("webhook");
    expect(targetForProtocol("email-json").kind).toBe("email");
  });

  it("agree with the publish path's protocol map (topic-delivery.ts)", () => {
    expect(subscriptionProtocols().sort()).toEqual([...PROTOCOLS].sort());
    for (const p of PROTOCOLS) expect(kindOfProtocol(p)).toBe(targetForProtocol(p).kind);
  });

  it("serve their protocols with the matching method", () => {
    for (const k of targetKinds())
      if (k.protocols.length) expect(k.mode === "local" ? !!k.deliverBatch : !!k.attempt).toBe(true);
  });

  it("refuse what no kind serves", () => {
    expect(() => targetForProtocol("lambda")).toThrow(/no target kind serves protocol lambda/);
    expect(() => targetKind("bus" as never)).toThrow(/unknown target kind/);
    expect(() => invocationKind("webhook")).toThrow(/takes no invocations/);
  });

  it("take invocations for queues and topics", () => {
    expect(invocationKind("queue").mode).toBe("local");
    expect(invocationKind("topic").mode).toBe("local");
    expect(invocationKind("event-bus").mode).toBe("local");
  });

  it("only local kinds deliver in batches inside a transaction", () => {
    expect(targetKinds().map((k) => [k.kind, k.mode])).toEqual([
      ["queue", "local"],
      ["webhook", "remote"],
      ["email", "remote"],
      ["topic", "local"],
      ["event-bus", "local"],
      ["function", "remote"],
      ["api-destination", "remote"],
      ["workflow", "local"],
    ]);
  });
});
