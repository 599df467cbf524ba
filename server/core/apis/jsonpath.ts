// The JSONPath subset mapping templates and parameter mappings use ($input.path / $input.json,
// method.request.body.a.b): `$`, `.name`, `['name']`, `[0]`, `[*]` and `.*`. A path that does not
// resolve yields undefined.

type Step = { kind: "key"; key: string } | { kind: "index"; index: number } | { kind: "all" };

function parsePath(path: string): Step[] | null {
  let s = path.trim();
  if (!s.startsWith("$")) return null;
  s = s.slice(1);
  const steps: Step[] = [];
  while (s.length) {
    let m: RegExpExecArray | null;
    if ((m = /^\.\*/.exec(s)) || (m = /^\[\*\]/.exec(s))) steps.push({ kind: "all" });
    else if ((m = /^\.([^.[\]]+)/.exec(s))) steps.push({ kind: "key", key: m[1] });
    else if ((m = /^\[(-?\d+)\]/.exec(s))) steps.push({ kind: "index", index: Number(m[1]) });
    else if ((m = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(s)) || (m = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(s)))
      steps.push({ kind: "key", key: m[1].replace(/\\(.)/g, "$1") });
    else return null;
    s = s.slice(m[0].length);
  }
  return steps;
}

/** Evaluates `path` on `doc`. With a wildcard the result is a list of every match. */
export function jsonPath(doc: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let current: unknown[] = [doc];
  let multi = false;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== "object") continue;
      if (step.kind === "all") {
        multi = true;
        next.push(...(Array.isArray(v) ? v : Object.values(v)));
      } else if (step.kind === "index") {
        if (Array.isArray(v)) {
          const i = step.index < 0 ? v.length + step.index : step.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, step.key)) {
        next.push((v as Record<string, unknown>)[step.key]);
      }
    }
    current = next;
  }
  return multi ? current : current[0];
}
