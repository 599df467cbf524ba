// The state machine editor's model, pure (no React): Amazon States Language JSON ↔ a graph of
// nodes and edges, and the edits the graph makes, each returning a new definition object. The JSON
// text stays the source of truth: the editor parses it, draws this graph, and writes every graph
// edit back as text. State names are unique across nested scopes (AWS refuses duplicates), so a
// name identifies a state anywhere in the machine.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const STATE_TYPES = ["Pass", "Task", "Choice", "Wait", "Parallel", "Map", "Succeed", "Fail"] as const;
export type StateType = (typeof STATE_TYPES)[number];

export const START_ID = "__start__";
export const END_ID = "__end__";

export type NodeKind = "start" | "end" | "state" | "branch";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** The state's Type (state nodes). */
  type?: string;
  /** The group node this one sits in (a branch of a Parallel or a Map's ItemProcessor, or the Parallel/Map state). */
  parent?: string;
  /** True for a Parallel or Map state: drawn as a group holding its branches/processor. */
  group?: boolean;
  /** The first state of its scope (StartAt). */
  isStart?: boolean;
  /** End: true, Succeed or Fail. */
  terminal?: boolean;
  /** A short hint under the name (Resource, Seconds, Error …). */
  detail?: string;
}

export type EdgeKind = "start" | "next" | "end" | "default" | "choice" | "catch";

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  label?: string;
  /** Which container the edge lives in (undefined: the top level). */
  parent?: string;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses the editor's text: the definition object, or the JSON syntax error. */
export function parseDefinition(text: string): { definition: JsonObject | null; error: string | null } {
  try {
    const v = JSON.parse(text) as unknown;
    if (!isObject(v)) return { definition: null, error: "A state machine definition is a JSON object." };
    return { definition: v, error: null };
  } catch (e) {
    return { definition: null, error: (e as Error).message };
  }
}

export const formatDefinition = (d: JsonObject) => JSON.stringify(d, null, 2);

const statesOf = (scope: JsonObject): JsonObject => (isObject(scope.States) ? scope.States : {});

/** The nested scopes (objects with StartAt/States) inside one state: Parallel branches, Map's processor. */
export function childScopes(state: JsonObject): { key: string; label: string; scope: JsonObject }[] {
  if (state.Type === "Parallel" && Array.isArray(state.Branches))
    return state.Branches.filter(isObject).map((b, i) => ({ key: `branch${i}`, label: `Branch ${i + 1}`, scope: b }));
  if (state.Type === "Map") {
    const p = isObject(state.ItemProcessor) ? state.ItemProcessor : isObject(state.Iterator) ? state.Iterator : null;
    if (p) return [{ key: "processor", label: "Item processor", scope: p }];
  }
  return [];
}

const short = (v: Json | undefined): string => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));

const COMPARATORS: [string, string][] = [
  ["StringEqualsPath", "=="],
  ["StringEquals", "=="],
  ["NumericEqualsPath", "=="],
  ["NumericEquals", "=="],
  ["BooleanEqualsPath", "=="],
  ["BooleanEquals", "=="],
  ["TimestampEqualsPath", "=="],
  ["TimestampEquals", "=="],
  ["NumericGreaterThanEqualsPath", ">="],
  ["NumericGreaterThanEquals", ">="],
  ["NumericGreaterThanPath", ">"],
  ["NumericGreaterThan", ">"],
  ["NumericLessThanEqualsPath", "<="],
  ["NumericLessThanEquals", "<="],
  ["NumericLessThanPath", "<"],
  ["NumericLessThan", "<"],
  ["StringGreaterThanEqualsPath", ">="],
  ["StringGreaterThanEquals", ">="],
  ["StringGreaterThanPath", ">"],
  ["StringGreaterThan", ">"],
  ["StringLessThanEqualsPath", "<="],
  ["StringLessThanEquals", "<="],
  ["StringLessThanPath", "<"],
  ["StringLessThan", "<"],
  ["TimestampGreaterThanEqualsPath", ">="],
  ["TimestampGreaterThanEquals", ">="],
  ["TimestampGreaterThanPath", ">"],
  ["TimestampGreaterThan", ">"],
  ["TimestampLessThanEqualsPath", "<="],
  ["TimestampLessThanEquals", "<="],
  ["TimestampLessThanPath", "<"],
  ["TimestampLessThan", "<"],
  ["StringMatches", "matches"],
  ["IsPresent", "is present"],
  ["IsNull", "is null"],
  ["IsString", "is string"],
  ["IsNumeric", "is numeric"],
  ["IsBoolean", "is boolean"],
  ["IsTimestamp", "is timestamp"],
];

/** A Choice rule as a short label for its edge: `$.amount > 100`, `not ($.ok == true)`, a JSONata Condition as written. */
export function ruleLabel(rule: Json | undefined): string {
  if (!isObject(rule)) return "?";
  if (typeof rule.Condition === "string") return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, "");
  if (Array.isArray(rule.And)) return rule.And.map((r) => ruleLabel(r)).join(" and ");
  if (Array.isArray(rule.Or)) return rule.Or.map((r) => ruleLabel(r)).join(" or ");
  if (rule.Not !== undefined) return `not (${ruleLabel(rule.Not)})`;
  const variable = short(rule.Variable);
  for (const [name, op] of COMPARATORS) {
    if (!(name in rule)) continue;
    const value = rule[name];
    if (name.startsWith("Is"))
      return value === false ? `${variable} ${op.replace("is", "is not")}` : `${variable} ${op}`;
    const shown = name.endsWith("Path") ? short(value) : JSON.stringify(value);
    return `${variable} ${op} ${shown}`;
  }
  return variable || "rule";
}

function stateDetail(s: JsonObject): string | undefined {
  switch (s.Type) {
    case "Task":
      return typeof s.Resource === "string" ? s.Resource.replace(/^arn:aws:states:::/, "") : undefined;
    case "Wait":
      if (s.Seconds !== undefined) return `${short(s.Seconds)} s`;
      if (s.Timestamp !== undefined) return `until ${short(s.Timestamp)}`;
      return short(s.SecondsPath ?? s.TimestampPath) || undefined;
    case "Fail":
      return short(s.Error) || undefined;
    default:
      return undefined;
  }
}

/** The graph of a definition: Start → states → End at the top level; Parallel/Map states hold their scopes. */
export function definitionToGraph(def: JsonObject): GraphModel {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const edge = (e: Omit<GraphEdge, "id">) => {
    const id = `${e.kind}:${e.source}->${e.target}:${edges.length}`;
    edges.push({ id, ...e });
  };

  const walk = (scope: JsonObject, parent: string | undefined, top: boolean) => {
    const states = statesOf(scope);
    const names = Object.keys(states);
    const exists = (n: Json | undefined): n is string => typeof n === "string" && n in states;
    if (top) {
      nodes.push({ id: START_ID, kind: "start", label: "Start" });
      if (exists(scope.StartAt)) edge({ source: START_ID, target: scope.StartAt, kind: "start" });
    }
    let needsEnd = false;
    for (const name of names) {
      const s = states[name];
      if (!isObject(s) || seen.has(name)) continue;
      seen.add(name);
      const scopes = childScopes(s);
      const terminal = s.End === true || s.Type === "Succeed" || s.Type === "Fail";
      nodes.push({
        id: name,
        kind: "state",
        label: name,
        type: typeof s.Type === "string" ? s.Type : "?",
        parent,
        group: s.Type === "Parallel" || s.Type === "Map",
        isStart: scope.StartAt === name,
        terminal,
        detail: stateDetail(s),
      });
      for (const c of scopes) {
        const id = `${name}#${c.key}`;
        nodes.push({ id, kind: "branch", label: c.label, parent: name });
        walk(c.scope, id, false);
      }
      if (exists(s.Next)) edge({ source: name, target: s.Next, kind: "next", parent });
      if (s.Type === "Choice") {
        (Array.isArray(s.Choices) ? s.Choices : []).forEach((rule) => {
          if (isObject(rule) && exists(rule.Next))
            edge({ source: name, target: rule.Next, kind: "choice", label: ruleLabel(rule), parent });
        });
        if (exists(s.Default)) edge({ source: name, target: s.Default, kind: "default", label: "Default", parent });
      }
      (Array.isArray(s.Catch) ? s.Catch : []).forEach((c) => {
        if (isObject(c) && exists(c.Next)) {
          const errors = Array.isArray(c.ErrorEquals) ? c.ErrorEquals.map(short).join(", ") : "";
          edge({ source: name, target: c.Next, kind: "catch", label: `Catch ${errors}`.trim(), parent });
        }
      });
      if (top && terminal) {
        needsEnd = true;
        edge({ source: name, target: END_ID, kind: "end" });
      }
    }
    if (top && (needsEnd || names.length === 0)) nodes.push({ id: END_ID, kind: "end", label: "End" });
  };
  walk(def, undefined, true);
  return { nodes, edges };
}

// --- finding states -------------------------------------------------------------------------------

export interface Located {
  /** The object holding StartAt/States (the definition, a branch or a processor). */
  scope: JsonObject;
  state: JsonObject;
}

/** Finds a state by name anywhere in the machine (mutable references into `def`). */
export function findState(def: JsonObject, name: string): Located | null {
  const states = statesOf(def);
  const here = states[name];
  if (isObject(here)) return { scope: def, state: here };
  for (const s of Object.values(states)) {
    if (!isObject(s)) continue;
    for (const c of childScopes(s)) {
      const found = findState(c.scope, name);
      if (found) return found;
    }
  }
  return null;
}

/** Every state name in the machine, nested ones included. */
export function allStateNames(def: JsonObject): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(statesOf(def))) {
    out.push(name);
    if (isObject(s)) for (const c of childScopes(s)) out.push(...allStateNames(c.scope));
  }
  return out;
}

/** The names of the states beside `name` in its scope (where its Next may point). */
export function siblingNames(def: JsonObject, name: string): string[] {
  const found = findState(def, name);
  return found ? Object.keys(statesOf(found.scope)).filter((n) => n !== name) : [];
}

const clone = (d: JsonObject): JsonObject => structuredClone(d);

// --- edits ----------------------------------------------------------------------------------------

/** A fresh state of one type, as the palette adds it (valid on its own once given a transition). */
export function newState(type: StateType, uniqueName: (base: string) => string, jsonata = false): JsonObject {
  switch (type) {
    case "Pass":
      return { Type: "Pass" };
    case "Task":
      return {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        [jsonata ? "Arguments" : "Parameters"]: {
          FunctionName: "my-function",
          [jsonata ? "Payload" : "Payload.$"]: jsonata ? "{% $states.input %}" : "$",
        },
      };
    case "Choice":
      return { Type: "Choice", Choices: [] };
    case "Wait":
      return { Type: "Wait", Seconds: 5 };
    case "Parallel": {
      const a = uniqueName("Branch A");
      const b = uniqueName("Branch B");
      return {
        Type: "Parallel",
        Branches: [
          { StartAt: a, States: { [a]: { Type: "Pass", End: true } } },
          { StartAt: b, States: { [b]: { Type: "Pass", End: true } } },
        ],
      };
    }
    case "Map": {
      const item = uniqueName("Process item");
      return {
        Type: "Map",
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: item,
          States: { [item]: { Type: "Pass", End: true } },
        },
      };
    }
    case "Succeed":
      return { Type: "Succeed" };
    case "Fail":
      return { Type: "Fail", Error: "Failed", Cause: "Something went wrong" };
  }
}

/** A placeholder Choice rule to `next`, in the machine's query language (the user edits it in the panel). */
function placeholderRule(def: JsonObject, choice: JsonObject, next: string): JsonObject {
  const language = choice.QueryLanguage ?? def.QueryLanguage;
  return language === "JSONata"
    ? { Condition: "{% $exists($states.input.value) %}", Next: next }
    : { Variable: "$.value", IsPresent: true, Next: next };
}

const TERMINAL_TYPES = new Set(["Succeed", "Fail", "Choice"]);

/** A name not yet used anywhere in the machine: "Wait", "Wait 2", "Wait 3" … */
export function uniqueNameIn(def: JsonObject, taken: Set<string> = new Set()): (base: string) => string {
  const used = new Set([...allStateNames(def), ...taken]);
  return (base: string) => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base} ${i}`;
    used.add(name);
    return name;
  };
}

/**
 * Adds a state of `type` after `after` (in its scope): it takes over `after`'s Next or End, and
 * `after` now goes to it (a Choice gets it as Default, or as a new rule's target when it has a
 * Default). With no `after`, the state is appended to the top level (and becomes StartAt when the
 * machine is empty). Returns the new definition and the new state's name.
 */
export function addStateAfter(
  def: JsonObject,
  after: string | null,
  type: StateType,
): { definition: JsonObject; name: string } {
  const d = clone(def);
  const unique = uniqueNameIn(d);
  const name = unique(type === "Task" ? "Task" : type);
  const located = after ? findState(d, after) : null;
  const language = located?.state.QueryLanguage ?? d.QueryLanguage;
  const state = newState(type, unique, language === "JSONata");
  const scope = located?.scope ?? d;
  if (!isObject(scope.States)) scope.States = {};
  const states = scope.States as JsonObject;
  if (located) {
    const prev = located.state;
    if (prev.Type === "Choice") {
      if (typeof prev.Default !== "string") prev.Default = name;
      else {
        const rules = Array.isArray(prev.Choices) ? prev.Choices : [];
        prev.Choices = [...rules, placeholderRule(d, prev, name)];
      }
      if (!TERMINAL_TYPES.has(type)) state.End = true;
    } else if (prev.Type === "Succeed" || prev.Type === "Fail") {
      if (!TERMINAL_TYPES.has(type)) state.End = true;
    } else {
      if (!TERMINAL_TYPES.has(type)) {
        if (typeof prev.Next === "string") state.Next = prev.Next;
        else state.End = true;
      } else if (type === "Choice" && typeof prev.Next === "string") state.Default = prev.Next;
      delete prev.End;
      prev.Next = name;
    }
  } else {
    if (!TERMINAL_TYPES.has(type)) state.End = true;
    if (typeof scope.StartAt !== "string" || !(scope.StartAt in states)) scope.StartAt = name;
  }
  // Keep the new state right after the one it follows, so the JSON reads in order.
  const entries = Object.entries(states);
  const at = after ? entries.findIndex(([n]) => n === after) : -1;
  entries.splice(at >= 0 ? at + 1 : entries.length, 0, [name, state]);
  scope.States = Object.fromEntries(entries);
  if (type === "Choice") {
    // A Choice needs at least one rule: route it to a new Succeed so the machine stays valid.
    const target = unique("Done");
    state.Choices = [placeholderRule(d, state, target)];
    (scope.States as JsonObject)[target] = { Type: "Succeed" };
  }
  return { definition: d, name };
}

/** Points every transition in `scope` that matches `test` somewhere else (or drops it when `to` is null). */
function retarget(scope: JsonObject, from: string, to: string | null) {
  if (scope.StartAt === from && to) scope.StartAt = to;
  for (const s of Object.values(statesOf(scope))) {
    if (!isObject(s)) continue;
    if (s.Next === from) {
      if (to) s.Next = to;
      else {
        delete s.Next;
        s.End = true;
      }
    }
    if (s.Default === from) {
      if (to) s.Default = to;
      else delete s.Default;
    }
    if (Array.isArray(s.Choices)) {
      s.Choices = s.Choices.flatMap((r) => {
        if (!isObject(r) || r.Next !== from) return [r];
        return to ? [{ ...r, Next: to }] : [];
      });
    }
    if (Array.isArray(s.Catch)) {
      s.Catch = s.Catch.flatMap((c) => {
        if (!isObject(c) || c.Next !== from) return [c];
        return to ? [{ ...c, Next: to }] : [];
      });
      if ((s.Catch as Json[]).length === 0) delete s.Catch;
    }
  }
}

/** Renames a state and every reference to it (StartAt, Next, Default, Choice rules, Catch). */
export function renameState(def: JsonObject, from: string, to: string): JsonObject {
  const name = to.trim();
  if (!name || name === from) return def;
  if (allStateNames(def).includes(name)) throw new Error(`There is already a state named “${name}”.`);
  const d = clone(def);
  const located = findState(d, from);
  if (!located) return def;
  const { scope } = located;
  scope.States = Object.fromEntries(Object.entries(statesOf(scope)).map(([n, s]) => [n === from ? name : n, s]));
  retarget(scope, from, name);
  return d;
}

/**
 * Deletes a state. What pointed at it now points at its Next (when it had one); otherwise a Next
 * becomes End, a Default, Choice rule or catcher to it is dropped, and StartAt moves to the next
 * state in the scope.
 */
export function deleteState(def: JsonObject, name: string): JsonObject {
  const d = clone(def);
  const located = findState(d, name);
  if (!located) return def;
  const { scope, state } = located;
  const next = typeof state.Next === "string" && state.Next !== name ? state.Next : null;
  const rest = Object.fromEntries(Object.entries(statesOf(scope)).filter(([n]) => n !== name));
  scope.States = rest;
  if (scope.StartAt === name) scope.StartAt = next ?? Object.keys(rest)[0] ?? "";
  retarget(scope, name, next);
  return d;
}

/**
 * Connects `source` to `target` the way drawing an edge in the graph means: a Choice gets it as
 * Default (or a new rule when its Default is taken), any other state gets Next (End removed). The
 * End node makes the source terminal. States in different scopes cannot be connected.
 */
export function connectStates(def: JsonObject, source: string, target: string): JsonObject {
  if (source === START_ID) {
    const d = clone(def);
    if (target !== END_ID && target in statesOf(d)) d.StartAt = target;
    return d;
  }
  const d = clone(def);
  const located = findState(d, source);
  if (!located) return def;
  const { scope, state } = located;
  if (target === END_ID) {
    if (state.Type === "Choice" || state.Type === "Succeed" || state.Type === "Fail") return def;
    delete state.Next;
    state.End = true;
    return d;
  }
  if (!(target in statesOf(scope))) throw new Error("Connect states of the same branch only.");
  if (state.Type === "Succeed" || state.Type === "Fail")
    throw new Error(`A ${state.Type} state ends its branch; it has no Next.`);
  if (state.Type === "Choice") {
    if (typeof state.Default !== "string") state.Default = target;
    else {
      const rules = Array.isArray(state.Choices) ? state.Choices : [];
      state.Choices = [...rules, placeholderRule(d, state, target)];
    }
    return d;
  }
  delete state.End;
  state.Next = target;
  return d;
}

/** Removes the transition an edge stands for (a Next becomes End). */
export function disconnect(def: JsonObject, e: Pick<GraphEdge, "source" | "target" | "kind">): JsonObject {
  const d = clone(def);
  if (e.kind === "start" || e.kind === "end") return def;
  const located = findState(d, e.source);
  if (!located) return def;
  const s = located.state;
  if (e.kind === "next" && s.Next === e.target) {
    delete s.Next;
    s.End = true;
  } else if (e.kind === "default" && s.Default === e.target) delete s.Default;
  else if (e.kind === "choice" && Array.isArray(s.Choices))
    s.Choices = s.Choices.filter((r) => !(isObject(r) && r.Next === e.target));
  else if (e.kind === "catch" && Array.isArray(s.Catch)) {
    s.Catch = s.Catch.filter((c) => !(isObject(c) && c.Next === e.target));
    if ((s.Catch as Json[]).length === 0) delete s.Catch;
  }
  return d;
}

/** Replaces one state's fields (the side panel's JSON), keeping its place and name. */
export function replaceState(def: JsonObject, name: string, state: JsonObject): JsonObject {
  const d = clone(def);
  const located = findState(d, name);
  if (!located) return def;
  located.scope.States = Object.fromEntries(
    Object.entries(statesOf(located.scope)).map(([n, s]) => [n, n === name ? state : s]),
  );
  return d;
}

/** Sets where a state goes next from the side panel: another state's name, or null for End. */
export function setNext(def: JsonObject, name: string, next: string | null): JsonObject {
  return connectStates(def, name, next ?? END_ID);
}

export const SAMPLE_DEFINITION: JsonObject = {
  Comment: "An order: check it, wait a moment, then finish.",
  QueryLanguage: "JSONata",
  StartAt: "Check order",
  States: {
    "Check order": {
      Type: "Choice",
      Choices: [{ Condition: "{% $states.input.amount > 100 %}", Next: "Large order" }],
      Default: "Small order",
    },
    "Large order": { Type: "Wait", Seconds: 1, Next: "Done" },
    "Small order": { Type: "Pass", Output: { approved: true, amount: "{% $states.input.amount %}" }, Next: "Done" },
    Done: { Type: "Succeed" },
  },
};
