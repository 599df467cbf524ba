// Definition-time checks of JSONata expressions, as CreateStateMachine does them: an expression must
// parse (INVALID_JSONATA_EXPRESSION, with the library's message without its code) and may not read
// a bare field at the top level (UNSUPPORTED_JSONATA_EXPRESSION), because a Step Functions
// expression has no context item: data comes from $states and from variables.

import jsonata from "jsonata";

type Node = { type?: string; value?: unknown; steps?: Node[]; [key: string]: unknown };

export type JsonataProblem = { code: "INVALID_JSONATA_EXPRESSION" | "UNSUPPORTED_JSONATA_EXPRESSION"; message: string };

export function checkJsonataExpression(body: string): JsonataProblem[] {
  let ast: Node;
  try {
    ast = jsonata(body).ast() as Node;
  } catch (e) {
    return [{ code: "INVALID_JSONATA_EXPRESSION", message: (e as { message?: string }).message ?? String(e) }];
  }
  const names = new Set<string>();
  walk(ast, false, names);
  return [...names].map((name) => ({
    code: "UNSUPPORTED_JSONATA_EXPRESSION",
    message: `Reference to '${name}' at the top level is not supported.`,
  }));
}

// Members that are evaluated against a context item (filters, predicates, grouping).
const IN_CONTEXT = new Set(["stages", "predicate", "group"]);

function walk(node: unknown, inContext: boolean, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, inContext, out);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const n = node as Node;
  if (n.type === "path" && Array.isArray(n.steps)) {
    n.steps.forEach((step, i) => walk(step, inContext || i > 0, out));
  } else if (n.type === "name") {
    if (!inContext && typeof n.value === "string") out.add(n.value);
  }
  for (const [key, child] of Object.entries(n)) {
    if (key === "steps" || key === "value" || typeof child !== "object" || child === null) continue;
    walk(child, inContext || IN_CONTEXT.has(key), out);
  }
}
