import { describe, expect, it } from "vitest";
import { action, m, sfnActions, wireJson } from "./wire";

// AWS JSON 1.0 as Step Functions sends it: timestamps as epoch seconds (with milliseconds as the
// fraction), unset members absent, at any depth (history events, routing configurations).

describe("wireJson", () => {
  it("turns Dates into epoch seconds and drops unset members at any depth", () => {
    const d = new Date("2026-12-02T05:00:00.123Z");
    expect(
      wireJson({
        creationDate: d,
        revisionId: undefined,
        label: null,
        events: [{ timestamp: d, details: { a: null, b: 0 } }],
      }),
    ).toEqual({ creationDate: 1796187600.123, events: [{ timestamp: 1796187600.123, details: { b: 0 } }] });
    expect(wireJson("text")).toBe("text");
    expect(wireJson([1, false])).toEqual([1, false]);
  });
});

describe("action", () => {
  const ctx = (role: string) =>
    ({ tenant: { id: "t1", accountId: "123456789012" }, actor: { type: "api_key", keyId: "k", role } }) as never;
  const seen: unknown[] = [];
  const describeIt = action(
    async (_caller, input: { arn: string; mode?: "A" | "B"; max?: number }) => {
      seen.push(input);
      return { ok: true, when: new Date(0) };
    },
    { arn: m.required, mode: m.oneOf(["A", "B"]), max: m.int },
    { role: "resource:write" },
  );

  it("checks enums first, then the role, then reads the members in order and calls the use case", async () => {
    await expect(describeIt(ctx("viewer"), { mode: "C" })).rejects.toMatchObject({ awsCode: "ValidationException" });
    await expect(describeIt(ctx("viewer"), { arn: "x" })).rejects.toMatchObject({ awsCode: "AccessDenied" });
    await expect(describeIt(ctx("developer"), { mode: "A" })).rejects.toThrow(
      "Value null at 'arn' failed to satisfy constraint",
    );
    await expect(describeIt(ctx("developer"), { arn: "x", max: "1" })).rejects.toMatchObject({
      awsCode: "SerializationException",
    });
    expect(seen).toEqual([]);
    expect(await describeIt(ctx("developer"), { arn: "x", mode: "B", extra: 1 })).toEqual({
      ok: true,
      when: new Date(0),
    });
    expect(seen).toEqual([{ arn: "x", mode: "B", max: undefined }]);
  });

  it("replies {} for empty actions and as JSON 1.0 on the wire", async () => {
    const [[name, run]] = sfnActions({
      Del: action(async () => ({ ignored: 1 }), {}, { empty: true }),
    });
    expect(name).toBe("Del");
    const reply = await run({ ctx: ctx("developer"), protocol: "json", action: "Del", path: "/" });
    expect(reply).toEqual({ headers: { "content-type": "application/x-amz-json-1.0" }, body: "{}" });
  });
});
