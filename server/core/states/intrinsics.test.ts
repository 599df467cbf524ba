import { describe, expect, it } from "vitest";
import { InvalidArguments } from "./intrinsics";
import { applyTemplate } from "./payload";
import { StatesError, type Json } from "./types";

const env = {
  context: { Execution: { Name: "exec-1" } },
  variables: { greeting: "hi", cfg: { n: 3 } },
  random: () => 0.5,
  uuid: () => "u-u-i-d",
};
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
    [
      "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)",
      { firstName: "John", lastName: "Doe" },
      "Welcome to John Doe's playlist.",
    ],
    ["States.Format('{} and \\{literal\\}', 42)", {}, "42 and {literal}"],
    ["States.Format('{}-{}-{}', true, null, 1.5)", {}, "true-null-1.5"],
    [
      `States.Format('Name: \\'{}\\', Surname: "{}"', $.name, $.surname)`,
      { name: "Gabriel", surname: "Moreira" },
      `Name: 'Gabriel', Surname: "Moreira"`,
    ],
    [
      "States.Format('arn:{}:{}', $.svc, States.JsonToString($.obj))",
      { svc: "lambda", obj: { k: 1 } },
      'arn:lambda:{"k":1}',
    ],
    ["States.StringToJson($.someString)", { someString: '{"number": 20}' }, { number: 20 }],
    ["States.JsonToString($.data)", { data: { foo: 123, bar: "abc" } }, '{"foo":123,"bar":"abc"}'],
    [
      "States.Array('Foo', 2020, $.someJson, null)",
      { someJson: { random: "abcdefg" } },
      ["Foo", 2020, { random: "abcdefg" }, null],
    ],
    [
      "States.ArrayPartition($.inputArray, 4)",
      { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
      [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
    ],
    [
      "States.ArrayContains($.inputArray, $.lookingFor)",
      { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 },
      true,
    ],
    ["States.ArrayContains($.a, $.b)", { a: [{ x: 1, y: 2 }], b: { y: 2, x: 1 } }, true],
    ["States.ArrayRange(1, 9, 2)", {}, [1, 3, 5, 7, 9]],
    ["States.ArrayRange(5, 1, -2)", {}, [5, 3, 1]],
    ["States.ArrayGetItem($.inputArray, $.index)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 }, 6],
    ["States.ArrayLength($.inputArray)", { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 9],
    ["States.ArrayUnique($.inputArray)", { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }, [1, 2, 3, 4]],
    ["States.Base64Encode($.input)", { input: "Data to encode" }, "RGF0YSB0byBlbmNvZGU="],
    ["States.Base64Decode($.base64)", { base64: "RGF0YSB0byBlbmNvZGU=" }, "Data to encode"],
    [
      "States.Hash($.Data, $.Algorithm)",
      { Data: "input data", Algorithm: "SHA-1" },
      "aaff4a450a104cd177d28d18d74485e8cae074b7",
    ],
    ["States.Hash('input data', 'MD5')", {}, "812f45842bc6d66ee14572ce20db8e86"],
    [
      "States.JsonMerge($.json1, $.json2, false)",
      { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
      { a: { a3: 1, a4: 2 }, b: 2, c: 3 },
    ],
    ["States.MathAdd($.value1, $.step)", { value1: 111, step: -1 }, 110],
    ["States.MathRandom(1, 999)", {}, 500],
    [
      "States.StringSplit($.inputString, $.splitter)",
      { inputString: "1,2,3,4,5", splitter: "," },
      ["1", "2", "3", "4", "5"],
    ],
    [
      "States.StringSplit($.inputString, $.splitter)",
      { inputString: "This.is+a,test=string", splitter: ".+,=" },
      ["This", "is", "a", "test", "string"],
    ],
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

  it.each<[string, Json, Json]>([
    ["States.ArrayRange(1.4, 5.6, 2.2)", {}, [1, 3, 5]],
    ["States.ArrayRange(1.6, 1.4, 1)", {}, [1]],
    ["States.ArrayRange(5.4, -0.6, -2.4)", {}, [5, 3, 1]],
    ["States.ArrayRange(5, 1, 1)", {}, []],
    ["States.ArrayRange(3, 3, -1)", {}, [3]],
    ["States.ArrayPartition($.a, 2.9)", { a: [1, 2, 3] }, [[1, 2], [3]]],
    ["States.Hash(123, 'MD5')", {}, "202cb962ac59075b964b07152d234b70"],
    ["States.Hash('hello', 'SHA-256')", {}, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"],
    ["States.Hash('🚀', 'SHA-256')", {}, "ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5"],
  ])("%s (numbers truncate toward zero, data is stringified, as AWS runs them)", (expr, input, expected) => {
    expect(run(expr, input)).toEqual(expected);
  });

  it("ArrayRange allows exactly 1000 items", () => {
    expect((run("States.ArrayRange(1000, 1, -1)") as number[]).length).toBe(1000);
  });

  it.each<[string, Json, RegExp]>([
    ["States.ArrayRange(1, 1001, 1)", {}, /more than 1000/],
    ["States.ArrayRange(1, 5, 0.49)", {}, /step must not be 0/],
    ["States.ArrayRange('a', 5, 1)", {}, /must be a number/],
    ["States.ArrayGetItem($.a, 3)", { a: [1] }, /out of bounds/],
    ["States.ArrayPartition($.a, 0.49)", { a: [1] }, /greater than 0/],
    ["States.Format('{} {}', 1)", {}, /placeholders/],
    ["States.Format('{}', $.a, $.b)", { a: 1, b: 2 }, /placeholders/],
    ["States.Format('Hello {', 1)", {}, /brace/],
    ["States.Format('Hello {{}}', 1)", {}, /brace/],
    ["States.Format('}')", {}, /brace/],
    ["States.Format('{}', $.o)", { o: { a: 1 } }, /formatted/],
    ["States.StringToJson('{bad')", {}, /valid JSON/],
    ["States.Hash('x', 'SHA-3')", {}, /algorithm/],
    ["States.Hash('x', 'sha-256')", {}, /algorithm/],
    ["States.Hash($.s, 'MD5')", { s: "a".repeat(10001) }, /10000/],
    ["States.Hash('hello', 'SHA-256', 'extra')", {}, /arguments/],
    ["States.JsonMerge($.a, $.b, true)", { a: {}, b: {} }, /shallow/],
    ["States.MathAdd(2147483648, 1)", {}, /between/],
    ["States.MathRandom(1.4, 1.6)", {}, /greater than the start/],
    ["States.Base64Decode('***')", {}, /Base64/],
    ["States.ArrayLength()", {}, /arguments/],
  ])("%s is States.Runtime 'Invalid arguments in ...'", (expr, input, reason) => {
    const e = failure(expr, input);
    expect(e.error).toBe("States.Runtime");
    expect(e.cause).toBe(`Invalid arguments in ${expr.slice(0, expr.indexOf("("))}`);
    expect(e).toBeInstanceOf(InvalidArguments);
    expect((e as InvalidArguments).reason).toMatch(reason);
  });

  it.each(["States.Nope(1)", "States.Array(1"])("%s does not parse", (expr) => {
    expect(failure(expr).error).toBe("States.Runtime");
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
