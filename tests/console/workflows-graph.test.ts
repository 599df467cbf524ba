import { describe, expect, it } from "vitest";
import {
  addStateAfter,
  connectStates,
  definitionToGraph,
  deleteState,
  disconnect,
  END_ID,
  findState,
  parseDefinition,
  renameState,
  replaceState,
  ruleLabel,
  START_ID,
  type JsonObject,
} from "@/components/workflows/asl-graph";
import { layoutGraph } from "@/components/workflows/layout";
import { validateDefinition } from "@/server/core/states";

// The editor's definition ↔ graph model: every graph edit must produce a definition AWS's rules
// (our validateDefinition) accept, and the graph must show exactly the transitions the JSON has.

const machine: JsonObject = {
  StartAt: "Check",
  States: {
    Check: {
      Type: "Choice",
      Choices: [
        { Variable: "$.amount", NumericGreaterThan: 100, Next: "Big" },
        { Variable: "$.vip", BooleanEquals: true, Next: "Fanout" },
      ],
      Default: "Small",
    },
    Big: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "f" },
      Catch: [{ ErrorEquals: ["States.ALL"], Next: "Oops" }],
      Next: "Small",
    },
    Fanout: {
      Type: "Parallel",
      Branches: [
        { StartAt: "A1", States: { A1: { Type: "Pass", Next: "A2" }, A2: { Type: "Pass", End: true } } },
        { StartAt: "B1", States: { B1: { Type: "Wait", Seconds: 1, End: true } } },
      ],
      Next: "Each",
    },
    Each: {
      Type: "Map",
      ItemProcessor: {
        ProcessorConfig: { Mode: "INLINE" },
        StartAt: "Item",
        States: { Item: { Type: "Pass", End: true } },
      },
      End: true,
    },
    Small: { Type: "Pass", End: true },
    Oops: { Type: "Fail", Error: "Boom" },
  },
};

const ok = (d: JsonObject) => {
  const r = validateDefinition(JSON.stringify(d));
  expect(r.diagnostics.filter((x) => x.severity === "ERROR")).toEqual([]);
};

describe("definition → graph", () => {
  it("draws start, every transition kind with its label, nested scopes as groups and the end", () => {
    ok(machine);
    const g = definitionToGraph(machine);
    const edges = g.edges.map((e) => [e.kind, e.source, e.target, e.label ?? ""].join("|")).sort();
    expect(edges).toEqual(
      [
        `start|${START_ID}|Check|`,
        "choice|Check|Big|$.amount > 100",
        "choice|Check|Fanout|$.vip == true",
        "default|Check|Small|Default",
        "catch|Big|Oops|Catch States.ALL",
        "next|Big|Small|",
        "next|A1|A2|",
        "next|Fanout|Each|",
        `end|Each|${END_ID}|`,
        `end|Small|${END_ID}|`,
        `end|Oops|${END_ID}|`,
      ].sort(),
    );
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    expect(node("Fanout").group).toBe(true);
    expect(node("Fanout#branch0").parent).toBe("Fanout");
    expect(node("Fanout#branch1").parent).toBe("Fanout");
    expect(node("A1").parent).toBe("Fanout#branch0");
    expect(node("B1").parent).toBe("Fanout#branch1");
    expect(node("Item").parent).toBe("Each#processor");
    expect(node("B1").detail).toBe("1 s");
    expect(node("Big").detail).toBe("lambda:invoke");
    // Inner edges live in their branch, not at the top level.
    expect(g.edges.find((e) => e.source === "A1")!.parent).toBe("Fanout#branch0");
  });

  it("labels Choice rules compactly", () => {
    expect(ruleLabel({ Variable: "$.s", StringEquals: "x", Next: "n" })).toBe('$.s == "x"');
    expect(ruleLabel({ Condition: "{% $states.input.vip %}" })).toBe("$states.input.vip");
    expect(ruleLabel({ Not: { Variable: "$.a", IsPresent: true } })).toBe("not ($.a is present)");
    expect(
      ruleLabel({
        And: [
          { Variable: "$.a", NumericLessThanPath: "$.b" },
          { Variable: "$.c", BooleanEquals: true },
        ],
      }),
    ).toBe("$.a < $.b and $.c == true");
  });

  it("reports JSON syntax errors instead of a definition", () => {
    expect(parseDefinition("{").definition).toBeNull();
    expect(parseDefinition("[]").error).toMatch(/JSON object/);
    expect(parseDefinition('{"StartAt":"A"}').definition).toEqual({ StartAt: "A" });
  });
});

describe("graph edits → definition", () => {
  it("adds a state after the selected one, taking over its transition, for every type", () => {
    for (const type of ["Pass", "Task", "Choice", "Wait", "Parallel", "Map", "Succeed", "Fail"] as const) {
      // A Succeed/Fail in the middle would cut off what follows: add those after a last state.
      const after = type === "Succeed" || type === "Fail" ? "Small" : "Fanout";
      const { definition, name } = addStateAfter(machine, after, type);
      ok(definition);
      expect(findState(definition, after)!.state.Next).toBe(name);
      const added = findState(definition, name)!.state;
      expect(added.Type).toBe(type);
      if (!["Choice", "Succeed", "Fail"].includes(type)) expect(added.Next).toBe("Each");
      // The JSON keeps the new state right after the one it follows.
      const keys = Object.keys(definition.States as JsonObject);
      expect(keys[keys.indexOf(after) + 1]).toBe(name);
    }
  });

  it("adds inside a branch, and to an empty machine as its StartAt", () => {
    const { definition, name } = addStateAfter(machine, "A2", "Wait");
    ok(definition);
    expect(findState(definition, name)!.scope).toBe(findState(definition, "A1")!.scope);
    const empty = addStateAfter({ StartAt: "", States: {} }, null, "Pass");
    expect(empty.definition.StartAt).toBe("Pass");
    ok(empty.definition);
    const names = addStateAfter(addStateAfter(machine, "Small", "Pass").definition, "Small", "Pass").definition;
    expect(Object.keys(names.States as JsonObject)).toContain("Pass 2");
  });

  it("renames a state and every reference to it", () => {
    const d = renameState(machine, "Small", "Tiny");
    ok(d);
    const check = findState(d, "Check")!.state;
    expect(check.Default).toBe("Tiny");
    expect(findState(d, "Big")!.state.Next).toBe("Tiny");
    expect(Object.keys(d.States as JsonObject).indexOf("Tiny")).toBe(
      Object.keys(machine.States as JsonObject).indexOf("Small"),
    );
    const inner = renameState(machine, "A1", "First");
    expect(findState(inner, "First")!.scope.StartAt).toBe("First");
    expect(() => renameState(machine, "Small", "Item")).toThrow(/already a state/);
  });

  it("deletes a state and mends what pointed at it", () => {
    const d = deleteState(machine, "Fanout");
    ok(d);
    const rules = findState(d, "Check")!.state.Choices as JsonObject[];
    expect(rules.map((r) => r.Next)).toEqual(["Big", "Each"]);
    const noCatch = deleteState(machine, "Oops");
    ok(noCatch);
    expect(findState(noCatch, "Big")!.state.Catch).toBeUndefined();
    const first = deleteState(machine, "A1");
    expect(findState(first, "A2")!.scope.StartAt).toBe("A2");
  });

  it("connects and disconnects edges as Next, Default, End and StartAt", () => {
    let d = connectStates(machine, "Small", "Each");
    expect(findState(d, "Small")!.state).toEqual({ Type: "Pass", Next: "Each" });
    d = connectStates(d, "Small", END_ID);
    expect(findState(d, "Small")!.state).toEqual({ Type: "Pass", End: true });
    d = connectStates(machine, START_ID, "Small");
    expect(d.StartAt).toBe("Small");
    const noDefault = disconnect(machine, { source: "Check", target: "Small", kind: "default" });
    expect(findState(noDefault, "Check")!.state.Default).toBeUndefined();
    expect(findState(connectStates(noDefault, "Check", "Oops"), "Check")!.state.Default).toBe("Oops");
    const ended = disconnect(machine, { source: "Big", target: "Small", kind: "next" });
    expect(findState(ended, "Big")!.state.End).toBe(true);
    expect(() => connectStates(machine, "A1", "Small")).toThrow(/same branch/);
    expect(() => connectStates(machine, "Oops", "Small")).toThrow(/no Next/);
  });

  it("replaces a state's fields in place", () => {
    const d = replaceState(machine, "B1", { Type: "Wait", Seconds: 9, End: true });
    expect(findState(d, "B1")!.state.Seconds).toBe(9);
    expect(findState(machine, "B1")!.state.Seconds).toBe(1);
  });
});

describe("layout", () => {
  it("places every node, branches side by side inside their Parallel", async () => {
    const g = definitionToGraph(machine);
    const { boxes } = await layoutGraph(g);
    for (const n of g.nodes) expect(boxes.has(n.id), n.id).toBe(true);
    const b0 = boxes.get("Fanout#branch0")!;
    const b1 = boxes.get("Fanout#branch1")!;
    expect(b0.y).toBe(b1.y);
    expect(b1.x).toBeGreaterThanOrEqual(b0.x + b0.width);
    const fan = boxes.get("Fanout")!;
    expect(fan.width).toBeGreaterThanOrEqual(b0.width + b1.width);
    // Start is above the first state, the first state above what follows it.
    expect(boxes.get(START_ID)!.y).toBeLessThan(boxes.get("Check")!.y);
    expect(boxes.get("Check")!.y).toBeLessThan(boxes.get("Big")!.y);
  });

  it("routes every edge from its source's border to its target's border, in absolute coordinates", async () => {
    const g = definitionToGraph(machine);
    const { boxes, routes } = await layoutGraph(g);
    const abs = (id: string) => {
      const b = { ...boxes.get(id)! };
      let p = g.nodes.find((n) => n.id === id)!.parent;
      while (p) {
        b.x += boxes.get(p)!.x;
        b.y += boxes.get(p)!.y;
        p = g.nodes.find((n) => n.id === p)!.parent;
      }
      return b;
    };
    const onBorder = (pt: { x: number; y: number }, b: { x: number; y: number; width: number; height: number }) =>
      pt.x >= b.x - 1 && pt.x <= b.x + b.width + 1 && pt.y >= b.y - 1 && pt.y <= b.y + b.height + 1;
    for (const e of g.edges) {
      const r = routes.get(e.id)!;
      expect(r, e.id).toBeDefined();
      expect(onBorder(r.points[0], abs(e.source)), `${e.id} starts on its source`).toBe(true);
      expect(onBorder(r.points[r.points.length - 1], abs(e.target)), `${e.id} ends on its target`).toBe(true);
      if (e.label) expect(r.label, `${e.id} has a placed label`).toBeDefined();
    }
  });
});

describe("query languages", () => {
  it("adds a Choice with a rule in the machine's language", () => {
    const jsonata: JsonObject = { QueryLanguage: "JSONata", StartAt: "A", States: { A: { Type: "Pass", End: true } } };
    const { definition, name } = addStateAfter(jsonata, "A", "Choice");
    ok(definition);
    expect((findState(definition, name)!.state.Choices as JsonObject[])[0].Condition).toBeTypeOf("string");
  });
});
