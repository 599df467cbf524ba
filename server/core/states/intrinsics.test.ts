import { describe, expect, it } from "vitest";
import { applyTemplate } from "./payload";
import { StatesError, type Json } from "./types";

const env = { context: { Execution: { Name: "exec-1" } }, variables: { greeting: "hi", cfg: { n: 3 } }, random: () => 0.5, uuid: () => "u-u-i-d" };
const run = (expr: string, input: Json = {}) => (applyTemplate({ "v.$": expr }, input, env) as { v: Json }).v;
function failure(expr: string, input: Json = {}): StatesError {
  try {
    run(expr, input);
  } catch (e) {
    if (e instanceof StatesError) return e;
    throw e;
  }
  throw new Error(`expected ${expr} to fail`);
}

describe("intrinsic functions (AWS documentation examples)", () => {
  it.each<[string, Json, Json]>([
    ["States.Format('Hello, my name is {}.', $.name)", { name: "Arnav" }, "Hello, my name is Arnav."],
    ["States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)", { firstName: "John", lastName: "Doe" }, "Welcome to John Doe's playlist."],
    ["States.Format('{} and \\{literal\\}', 42)", {}, "42 and {literal}"],
    ["States.Format('{}-{}-{}', true, null, 1.5)", {}, "true-null-1.5"],
    ["States.StringToJson($.someString)", { someString: '{"number": 20}' }, { number: 20 }],
    ["States.JsonToString($.data)", { data: { foo: 123, bar: "abc" } }, '{"foo":123,"bar":"abc"}'],
    ["States.Array('Foo', 2020, $.someJson, null)", { someJson: { random: "abcdefg" } }, ["Foo", 2020, { random: "abcdefg" }, null]],
    ["States.ArrayPartition($.inputArray, 4)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]],
    ["States.ArrayContains($.inputArray, $.lookingFor)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 }, true],
    ["States.ArrayContains($.a, $.b)", { a: [{ x: 1, y: 2 }], b: { y: 2, x: 1 } }, true],
    ["States.ArrayRange(1, 9, 2)", {}, [1, 3, 5, 7, 9]],
    ["States.ArrayRange(5, 1, -2)", {}, [5, 3, 1]],
    ["States.ArrayGetItem($.inputArray, $.index)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 }, 6],
    ["States.ArrayLength($.inputArray)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 9],
    ["States.ArrayUnique($.inputArray)", { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }, [1, 2, 3, 4]],
    ["States.Base64Encode($.input)", { input: "Data to encode" }, "RGF0YSB0byBlbmNvZGU="],
    ["States.Base64Decode($.base64)", { base64: "RGF0YSB0byBlbmNvZGU=" }, "Data to encode"],
    ["States.Hash($.Data, $.Algorithm)", { Data: "input data", Algorithm: "SHA-1" }, "aaff4a450a104cd177d28d18d74485e8cae074b7"],
    ["States.Hash('input data', 'MD5')", {}, "812f45842bc6d66ee14572ce20db8e86"],
    ["States.JsonMerge($.json1, $.json2, false)", { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } }, { a: { a3: 1, a4: 2 }, b: 2, c: 3 }],
    ["States.MathAdd($.value1, $.step)", { value1: 111, step: -1 }, 110],
    ["States.MathRandom(1, 999)", {}, 500],
    ["States.StringSplit($.inputString, $.splitter)", { inputString: "1,2,3,4,5", splitter: "," }, ["1", "2", "3", "4", "5"]],
    ["States.StringSplit($.inputString, $.splitter)", { inputString: "This.is+a,test=string", splitter: ".+,=" }, ["This", "is", "a", "test", "string"]],
    ["States.UUID()", {}, "u-u-i-d"],
    ["States.Format('{} {}', $$.Execution.Name, $greeting)", {}, "exec-1 hi"],
    ["States.ArrayLength(States.ArrayRange(1, $cfg.n, 1))", {}, 3],
    [
      "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), 'x')",
      { ImageRecipe: { Arn: "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my.recipe/1.0.0" } },
      "1.0.x",
    ],
    ["States.Format('{}', $.items[0])", { items: ["a, b)"] }, "a, b)"],
  ])("%s", (expr, input, expected) => {
    expect(run(expr, input)).toEqual(expected);
  });

  it("MathRandom with a seed is deterministic and within [start, end)", () => {
    const a = run("States.MathRandom(1, 10, 7)");
    expect(a).toBe(run("States.MathRandom(1, 10, 7)"));
    expect(a).toBeGreaterThanOrEqual(1);
    expect(a).toBeLessThan(10);
  });

  it("UUID without an injected generator is a version 4 UUID", () => {
    const v = applyTemplate({ "v.$": "States.UUID()" }, {}, { context: {}, variables: {} }) as { v: string };
    expect(v.v).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each<[string, Json, RegExp]>([
    ["States.ArrayRange(1, 2000, 1)", {}, /more than 1000/],
    ["States.ArrayRange(1, 5, 0)", {}, /step must not be 0/],
    ["States.ArrayGetItem($.a, 3)", { a: [1] }, /out of bounds/],
    ["States.ArrayPartition($.a, 0)", { a: [1] }, /greater than 0/],
    ["States.Format('{} {}', 1)", {}, /placeholders/],
    ["States.Format('{}', $.o)", { o: { a: 1 } }, /formatted/],
    ["States.StringToJson('{bad')", {}, /valid JSON/],
    ["States.Hash('x', 'SHA-3')", {}, /algorithm/],
    ["States.JsonMerge($.a, $.b, true)", { a: {}, b: {} }, /shallow/],
    ["States.MathAdd(2147483648, 1)", {}, /between/],
    ["States.MathAdd(1.5, 1)", {}, /integer/],
    ["States.Base64Decode('***')", {}, /Base64/],
    ["States.ArrayLength()", {}, /number of arguments/],
    ["States.Nope(1)", {}, /Unknown intrinsic/],
    ["States.Array(1", {}, /Expected/],
  ])("%s fails with States.IntrinsicFailure", (expr, input, message) => {
    const e = failure(expr, input);
    expect(e.error).toBe("States.IntrinsicFailure");
    expect(e.cause).toMatch(message);
  });

  it("rejects more than 10 nested intrinsic functions", () => {
    let expr = "States.Array(1)";
    for (let i = 0; i < 10; i++) expr = `States.Array(${expr})`;
    expect(failure(expr).cause).toMatch(/nested/);
  });

  it("a path argument that does not exist is States.Runtime", () => {
    const e = failure("States.Array($.missing)");
    expect(e.error).toBe("States.Runtime");
    expect(e.cause).toBe("The JSONPath '$.missing' specified for the field 'v.$' could not be found in the input '{}'");
  });
});
