// AWS's override rule for `$or`. AWS's matcher expands `$or` into flat sub-rules (path → list),
// writing lists in document order, so a list written later for the same path replaces the earlier
// one in that sub-rule: in `{"a": ["1"], "$or": [{"a": ["2"]}, {"b": ["3"]}]}` the first
// alternative needs only a = 2. The tree built by compile.ts ANDs both instead. That only differs
// when a path is written twice along one branch with an `$or` involved; then (and only then) the
// pattern is replaced by AWS's expansion: an `$or` of the flat sub-rules, each rebuilt as a tree.

import type { Matcher, PatternNode } from "./types";

export type Op =
  { kind: "leaf"; path: string[]; leaf: Matcher[]; raw: unknown[] } | { kind: "or"; alternatives: Op[][] };

type Written = { path: string[]; leaf: Matcher[]; raw: unknown[] };
type Branch = Map<string, Written>;

/** Past this many sub-rules the expansion is not built and the tree stands. */
const MAX_EXPANSION = 256;

function hasOr(ops: Op[]): boolean {
  return ops.some((o) => o.kind === "or");
}

/** Expands like AWS; null when it grows past MAX_EXPANSION. `overridden.value` reports a replacement. */
function expand(ops: Op[], start: Branch[], overridden: { value: boolean }): Branch[] | null {
  let branches = start;
  for (const op of ops) {
    if (op.kind === "leaf") {
      if (branches.length === 0) branches = [new Map()];
      const key = JSON.stringify(op.path);
      for (const b of branches) {
        if (b.has(key)) overridden.value = true;
        b.set(key, { path: op.path, leaf: op.leaf, raw: op.raw });
      }
      continue;
    }
    const next: Branch[] = [];
    for (const alt of op.alternatives) {
      const copies = branches.length === 0 ? [new Map()] : branches.map((b) => new Map(b));
      const out = expand(alt, copies, overridden);
      if (!out) return null;
      next.push(...out);
      if (next.length > MAX_EXPANSION) return null;
    }
    branches = next;
  }
  return branches;
}

function treeOf(branch: Branch): PatternNode {
  const root: PatternNode = { fields: new Map(), ors: [] };
  for (const { path, leaf, raw } of branch.values()) {
    let node = root;
    for (const seg of path.slice(0, -1)) {
      let f = node.fields.get(seg);
      if (!f) {
        f = {};
        node.fields.set(seg, f);
      }
      f.child ??= { fields: new Map(), ors: [] };
      node = f.child;
    }
    const last = path[path.length - 1];
    const f = node.fields.get(last) ?? {};
    f.leaf = leaf;
    f.leafRaw = raw;
    node.fields.set(last, f);
  }
  return root;
}

/** The tree, or AWS's expansion of it when a list overrides another across an `$or`. */
export function applyOverrides(tree: PatternNode, ops: Op[]): PatternNode {
  if (!hasOr(ops)) return tree;
  const overridden = { value: false };
  const branches = expand(ops, [], overridden);
  if (!branches || !overridden.value) return tree;
  const nodes = branches.map(treeOf);
  if (nodes.length === 1) return nodes[0];
  return { fields: new Map(), ors: [nodes] };
}
