import { describe, expect, it } from "vitest";
import { queryPath, isReferencePath } from "./jsonpath";
import { applyResultPath, applyTemplate, selectPath } from "./payload";
import { StatesError, type Json } from "./types";

const env = {
  context: { Execution: { Id: "arn:exec", Input: { a: 1 } }, State: { Name: "S" }, Map: { Item: { Index: 2 } } },
  variables: { x: { y: [10, 20] }, flag: true },
};
const store: Json = {
  store: {
    book: [
      { category: "reference", author: "Nigel Rees", price: 8.95 },
      { category: "fiction", author: "Evelyn Waugh", price: 12.99 },
      { category: "fiction", author: "Herman Melville", price: 8.99, isbn: "0-553-21311-3" },
    ],
    bicycle: { color: "red", price: 19.95 },
  },
};

describe("JSONPath queries (Jayway semantics)", () => {
  it.each<[string, Json]>([
    ["$", store],
    ["$.store.bicycle.color", "red"],
    ["$['store']['bicycle']['color']", "red"],
    ["$.store.book[1].author", "Evelyn Waugh"],
    ["$.store.book[-1].author", "Herman Melville"],
    ["$.store.book[*].author", ["Nigel Rees", "Evelyn Waugh", "Herman Melville"]],
    ["$..price", [8.95, 12.99, 8.99, 19.95]],
    ["$.store.book[0,2].price", [8.95, 8.99]],
    ["$.store.book[:2].price", [8.95, 12.99]],
    ["$.store.book[1:].category", ["fiction", "fiction"]],
    ["$.store.book[?(@.isbn)].author", ["Herman Melville"]],
    ["$.store.book[?(@.price < 10)].author", ["Nigel Rees", "Herman Melville"]],
    ["$.store.book[?(@.category == 'fiction' && @.price > 10)].author", ["Evelyn Waugh"]],
    ["$.store.book[?(@.category == 'poetry')]", []],
  ])("%s", (path, expected) => {
    expect(queryPath(path, store)).toEqual({ found: true, value: expected });
  });

  it("a definite path that matches nothing is not found; an indefinite one is []", () => {
    expect(queryPath("$.store.car", store)).toEqual({ found: false });
    expect(queryPath("$.store.book[7]", store)).toEqual({ found: false });
    expect(queryPath("$.store.car[*]", store)).toEqual({ found: true, value: [] });
  });

  it.each([
    ["$.a.b", true],
    ["$['a'].b[0]", true],
    ["$", true],
    ["$.a[*]", false],
    ["$..a", false],
    ["$.a[?(@.b)]", false],
    ["$.a[-1]", false],
    ["a.b", false],
  ])("reference path %s → %s", (p, ok) => expect(isReferencePath(p)).toBe(ok));
});

describe("InputPath, Parameters, ResultPath, OutputPath", () => {
  it("Parameters: static values, .$ paths, the context object, variables and nested objects", () => {
    const template = {
      comment: "Example",
      "product.$": "$.product",
      nested: { "id.$": "$$.Execution.Id", static: [1, 2] },
      "first.$": "$x.y[0]",
      "flag.$": "$flag",
      "idx.$": "$$.Map.Item.Index",
    };
    expect(applyTemplate(template, { product: { name: "pen" } }, env)).toEqual({
      comment: "Example",
      product: { name: "pen" },
      nested: { id: "arn:exec", static: [1, 2] },
      first: 10,
      flag: true,
      idx: 2,
    });
  });

  it("a missing Parameters path is States.Runtime with AWS's message", () => {
    try {
      applyTemplate({ "a.$": "$.nope" }, { b: 1 }, env);
      throw new Error("expected failure");
    } catch (e) {
      expect(e).toBeInstanceOf(StatesError);
      expect((e as StatesError).error).toBe("States.Runtime");
      expect((e as StatesError).cause).toBe(
        `The JSONPath '$.nope' specified for the field 'a.$' could not be found in the input '{"b":1}'`,
      );
    }
  });

  it("InputPath/OutputPath select; null selects {}; missing is States.Runtime", () => {
    expect(selectPath("$.a", "InputPath", { a: { b: 1 } }, env)).toEqual({ b: 1 });
    expect(selectPath(null, "InputPath", { a: 1 }, env)).toEqual({});
    expect(selectPath(undefined, "InputPath", { a: 1 }, env)).toEqual({ a: 1 });
    expect(() => selectPath("$.x.y[0]", "InputPath", { a: 1 }, env)).toThrow(
      "Invalid path '$.x.y[0]' : No results for path: $['x']['y'][0]",
    );
  });

  it("ResultPath: replace, discard, merge, create intermediate objects", () => {
    const input = { comment: "hi", details: { n: 1 } };
    expect(applyResultPath(undefined, input, "R")).toBe("R");
    expect(applyResultPath("$", input, "R")).toBe("R");
    expect(applyResultPath(null, input, "R")).toEqual(input);
    expect(applyResultPath("$.result", input, "R")).toEqual({ ...input, result: "R" });
    expect(applyResultPath("$.details.n", input, 2)).toEqual({ comment: "hi", details: { n: 2 } });
    expect(applyResultPath("$.a.b.c", input, 3)).toEqual({ ...input, a: { b: { c: 3 } } });
    expect(input).toEqual({ comment: "hi", details: { n: 1 } });
  });

  it("ResultPath into a non-object is States.Runtime", () => {
    expect(() => applyResultPath("$.x", "a string", 1)).toThrow(StatesError);
    expect(() => applyResultPath("$.comment.x", { comment: "hi" }, 1)).toThrow(
      /Unable to apply ReferencePath \$\.comment\.x/,
    );
  });
});
