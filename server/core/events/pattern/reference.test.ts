// A second, independent evaluation to check matchPattern's tree walk against: AWS's matcher expands
// `$or` into flat sub-rules (dotted path → leaf list) and matches an event flattened the same way.
// For events without arrays of objects (where AWS also checks that fields come from one element)
// both must agree on every pattern.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePattern, matchPattern } from "./index";
import { matchLeaf, scalarsOf } from "./match";
import type { Matcher, PatternNode } from "./types";

type Branch = Map<string, Matcher[]>;

function expand(node: PatternNode, prefix: string, branches: Branch[]): Branch[] {
  let out = branches;
  for (const [name, f] of node.fields) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (f.leaf) out = out.map((b) => new Map(b).set(path, f.leaf!));
    if (f.child) out = expand(f.child, path, out);
  }
  for (const group of node.ors) {
    out = group.flatMap((alt) => expand(alt, prefix, out));
  }
  return out;
}

function flatten(v: unknown, prefix: string, out: Map<string, unknown[]>): Map<string, unknown[]> {
  if (Array.isArray(v)) {
    for (const x of v) flatten(x, prefix, out);
  } else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, [...(out.get(prefix) ?? []), v]);
  }
  return out;
}

function reference(patternJson: string, event: unknown): boolean {
  const p = compilePattern(patternJson);
  const flat = flatten(event, "", new Map());
  return expand(p.root, "", [new Map()]).some((b) =>
    [...b].every(([path, matchers]) => matchLeaf(matchers, scalarsOf(flat.get(path) ?? []))),
  );
}

const value = fc.oneof(
  fc.constantFrom("a", "b", "", "ab"),
  fc.constantFrom(0, 1, 2.5),
  fc.constant(null),
  fc.boolean(),
);
const matcher = fc.oneof(
  value,
  fc.record({ prefix: fc.constantFrom("a", "") }),
  fc.record({ suffix: fc.constantFrom("b") }),
  fc.record({ "anything-but": fc.constantFrom("a", 1) }),
  fc.record({ numeric: fc.constantFrom([">", 0], ["<=", 1]) }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ "equals-ignore-case": fc.constantFrom("A", "AB") }),
  fc.record({ wildcard: fc.constantFrom("a*", "*b") }),
);
const leaf = fc.array(matcher, { minLength: 1, maxLength: 3 });

// Field names are unique per level, and `$or` alternatives use their own names, so the expansion
// never overrides a path (AWS's expansion lets a later list replace an earlier one on the same path).
const level2 = fc.record({ x: leaf, y: leaf }, { requiredKeys: [] }).filter((o) => Object.keys(o).length > 0);
const orGroup = (names: [string, string]) =>
  fc.tuple(leaf, leaf, level2).map(([l1, l2, nested]) => [{ [names[0]]: l1 }, { [names[1]]: l2, n: nested }]);
const pattern = fc
  .record(
    {
      s: leaf,
      d: fc
        .record({ p: leaf, q: level2, $or: orGroup(["o1", "o2"]) }, { requiredKeys: [] })
        .filter((o) => Object.keys(o).length > 0),
      $or: orGroup(["t1", "t2"]),
    },
    { requiredKeys: [] },
  )
  .filter((o) => Object.keys(o).length > 0);

const scalar = fc.oneof(value, fc.array(value, { maxLength: 3 }));
const inner = fc.record({ x: scalar, y: scalar }, { requiredKeys: [] });
const event = fc.record(
  {
    s: fc.oneof(scalar, inner),
    t1: scalar,
    t2: scalar,
    n: fc.oneof(inner, scalar),
    d: fc.record({ p: scalar, q: fc.oneof(inner, scalar), o1: scalar, o2: scalar, n: inner }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

describe("matchPattern agrees with a flattened evaluation", () => {
  it("for events without arrays of objects (property)", () => {
    fc.assert(
      fc.property(pattern, event, (p, e) => {
        const json = JSON.stringify(p);
        let compiled;
        try {
          compiled = compilePattern(json);
        } catch {
          return; // refused patterns (wildcard complexity) are not matched at all
        }
        expect(matchPattern(compiled, e)).toBe(reference(json, e));
      }),
      { numRuns: 1000 },
    );
  });
});
