import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePattern, matchPattern, PatternIndex, type CompiledPattern } from "./index";

// Small vocabularies so random patterns and events collide often.
const sources = ["orders", "billing", "aws.ec2"];
const types = ["Created", "Deleted", "Updated"];
const states = ["a", "b", "c", ""];

const leafValue = fc.oneof(
  fc.constantFrom(...states),
  fc.constantFrom(1, 2, 2.0000001, 300),
  fc.constant(null),
  fc.boolean(),
);

const matcher = fc.oneof(
  leafValue,
  fc.record({ prefix: fc.constantFrom("a", "", "b") }),
  fc.record({ "anything-but": fc.constantFrom("a", "b") }),
  fc.record({ numeric: fc.constantFrom([">", 1], ["<=", 2], [">=", 0, "<", 300]) }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ wildcard: fc.constantFrom("*a", "b*", "*") }),
);

const leafList = fc.array(matcher, { minLength: 1, maxLength: 3 });

const detailPattern = fc
  .record(
    { state: leafList, n: leafList, items: fc.record({ id: leafList }, { requiredKeys: [] }) },
    { requiredKeys: [] },
  )
  .filter((o) => Object.keys(o).length > 0 && (!("items" in o) || Object.keys(o.items!).length > 0));

const pattern = fc
  .record(
    {
      source: fc.array(fc.constantFrom(...sources), { minLength: 1, maxLength: 2 }),
      "detail-type": fc.oneof(fc.array(fc.constantFrom(...types), { minLength: 1, maxLength: 2 }), leafList),
      detail: detailPattern,
      $or: fc.tuple(detailPattern, detailPattern).map(([a, b]) => [{ detail: a }, { detail: b }]),
    },
    { requiredKeys: [] },
  )
  .filter((o) => Object.keys(o).length > 0);

const scalar = fc.oneof(
  fc.constantFrom(...states),
  fc.constantFrom(1, 2, 300, 2.0000001),
  fc.constant(null),
  fc.boolean(),
);
const event = fc.record({
  source: fc.constantFrom(...sources),
  "detail-type": fc.constantFrom(...types),
  detail: fc.record(
    {
      state: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
      n: scalar,
      items: fc.array(fc.record({ id: scalar }, { requiredKeys: [] }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
});

describe("PatternIndex", () => {
  it("returns exactly the ids whose pattern matches (property)", () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 30 }), fc.array(event, { maxLength: 10 }), (ps, evs) => {
        // Random wildcards can exceed AWS's complexity limit; those patterns are refused, not indexed.
        const compiled = ps.flatMap((p) => {
          try {
            return [compilePattern(JSON.stringify(p))];
          } catch {
            return [];
          }
        });
        const index = new PatternIndex<number>();
        compiled.forEach((c, i) => index.add(i, c));
        // Remove and re-add a few so bookkeeping is exercised too.
        for (let i = 0; i < compiled.length; i += 3) index.remove(i);
        for (let i = 0; i < compiled.length; i += 6) index.add(i, compiled[i]);
        const live = new Map<number, CompiledPattern>();
        compiled.forEach((c, i) => {
          if (i % 3 !== 0 || i % 6 === 0) live.set(i, c);
        });
        for (const e of evs) {
          const expected = [...live].filter(([, c]) => matchPattern(c, e)).map(([i]) => i);
          expect([...index.match(e)].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("evaluates only candidates: 1,000 rules, 10 match", () => {
    const index = new PatternIndex<string>();
    for (let i = 0; i < 1000; i++) {
      index.add(
        `rule-${i}`,
        compilePattern(JSON.stringify({ source: ["orders"], "detail-type": [`Type ${i % 100}`], detail: { n: [i] } })),
      );
    }
    const e = {
      source: "orders",
      "detail-type": "Type 7",
      detail: { n: [7, 107, 207, 307, 407, 507, 607, 707, 807, 907] },
    };
    expect(index.match(e)).toHaveLength(10);
    expect(index.candidateCount(e)).toBeLessThanOrEqual(10);
  });

  it("keeps patterns without an exact field in the scan list", () => {
    const index = new PatternIndex<string>();
    index.add("prefix", compilePattern('{"source":[{"prefix":"ord"}]}'));
    index.add("exact", compilePattern('{"source":["orders"]}'));
    expect(index.match({ source: "orders" })).toEqual(["prefix", "exact"]);
    expect(index.match({ source: "ordinary" })).toEqual(["prefix"]);
    expect(index.remove("prefix")).toBe(true);
    expect(index.remove("prefix")).toBe(false);
    expect(index.match({ source: "orders" })).toEqual(["exact"]);
    expect(index.size).toBe(1);
  });

  it("files an $or under one exact field per alternative", () => {
    const index = new PatternIndex<string>();
    index.add("or", compilePattern('{"$or":[{"source":["a"]},{"detail-type":["B", "C"]}]}'));
    index.add("or-prefix", compilePattern('{"$or":[{"source":["a"]},{"source":[{"prefix":"x"}]}]}'));
    expect(index.candidateCount({ source: "z", "detail-type": "D" })).toBe(1); // only the one with a prefix
    expect(index.match({ source: "z", "detail-type": "C" })).toEqual(["or"]);
    expect(index.match({ source: "a" })).toEqual(["or", "or-prefix"]);
    expect(index.match({ source: "xy" })).toEqual(["or-prefix"]);
    index.remove("or");
    expect(index.match({ source: "a" })).toEqual(["or-prefix"]);
  });

  it("indexes numbers by value, not by spelling", () => {
    const index = new PatternIndex<string>();
    index.add("n", compilePattern('{"detail":{"n":[3.0e2]}}'));
    expect(index.match({ detail: { n: 300 } })).toEqual(["n"]);
  });
});
