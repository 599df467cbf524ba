// InvalidEventPatternException messages. The first rows are messages AWS returned (quoted in public
// bug reports), including the parser position; the rest follow the same parser's wording.
import { describe, expect, it } from "vitest";
import { compilePattern, parseTestEvent, PatternError, TestEventError } from "./index";

function errorOf(pattern: string): PatternError {
  try {
    compilePattern(pattern);
  } catch (e) {
    if (e instanceof PatternError) return e;
    throw e;
  }
  throw new Error(`pattern was accepted: ${pattern}`);
}

describe("compilePattern errors: messages AWS returned", () => {
  it("empty object, with AWS's column", () => {
    const p = '{"source": ["aws.health"], "detail": {}}';
    expect(errorOf(p).message).toBe(
      `Event pattern is not valid. Reason: Empty objects are not allowed\n at [Source: (String)"${p}"; line: 1, column: 40]`,
    );
  });

  it("a scalar where a list belongs, with AWS's column", () => {
    const p = '{"source":["test.event-pattern"],"detail":{"lenderId":"LenderA"}}';
    expect(errorOf(p).message).toBe(
      `Event pattern is not valid. Reason: "lenderId" must be an object or an array\n at [Source: (String)"${p}"; line: 1, column: 56]`,
    );
  });

  it("invalid JSON", () => {
    const e = errorOf('{\\"detail\\": {}}');
    expect(e.reason).toBe("Unexpected character ('\\' (code 92)): was expecting double-quote to start field name");
    expect([e.line, e.column]).toEqual([1, 3]);
  });

  it("counts lines", () => {
    const e = errorOf('{\n  "detail": {\n    "slug": "x"\n  }\n}');
    expect(e.reason).toBe('"slug" must be an object or an array');
    expect([e.line, e.column]).toEqual([3, 14]);
  });

  it("is an InvalidEventPatternException", () => {
    expect(errorOf("{}").code).toBe("InvalidEventPatternException");
  });
});

describe("compilePattern errors: every rule", () => {
  const cases: Array<[string, string]> = [
    ["", "Filter is not an object"],
    ["[]", "Filter is not an object"],
    ['"x"', "Filter is not an object"],
    ["{}", "Empty objects are not allowed"],
    ['{"a": 1}', '"a" must be an object or an array'],
    ['{"a": "x"}', '"a" must be an object or an array'],
    ['{"a": []}', "Empty arrays are not allowed"],
    ['{"a": [[1]]}', "Match value must be String, number, true, false, or null"],
    ['{"a": [{}]}', "Match expression name not found"],
    ['{"a": [{"contains": "x"}]}', "Unrecognized match type contains"],
    ['{"a": [{"prefix": 1}]}', "prefix match pattern must be a string"],
    ['{"a": [{"prefix": "x", "suffix": "y"}]}', "Only one key allowed in match expression"],
    ['{"a": [{"prefix": {"foo": "x"}}]}', "Unsupported prefix pattern: foo"],
    ['{"a": [{"suffix": {}}]}', "Suffix expression name not found"],
    ['{"a": [{"prefix": {"equals-ignore-case": 1}}]}', "equals-ignore-case match pattern must be a string"],
    ['{"a": [{"equals": 1}]}', "exact match pattern must be a string"],
    ['{"a": [{"anything-but": {"prefix": ["a", ""]}}]}', "Null prefix/suffix not allowed"],
    ['{"a": [{"anything-but": {"wildcard": [1]}}]}', "wildcard match pattern must be a string"],
    ['{"a": [{"anything-but": {"wildcard": "a**"}}]}', "Consecutive wildcard characters at pos 1"],
    ['{"a": [{"anything-but": {"prefix": "a", "x": 1}}]}', "Too many elements in numeric expression"],
    ['{"a": [{"suffix": null}]}', "suffix match pattern must be a string"],
    ['{"a": [{"equals-ignore-case": 1}]}', "equals-ignore-case match pattern must be a string"],
    ['{"a": [{"wildcard": 1}]}', "wildcard match pattern must be a string"],
    ['{"a": [{"wildcard": "a**b"}]}', "Consecutive wildcard characters at pos 1"],
    ['{"a": [{"wildcard": "a\\\\b"}]}', "Invalid escape character at pos 1"],
    ['{"a": [{"wildcard": "é**"}]}', "Consecutive wildcard characters at pos 2"],
    [
      '{"a": ["x\ny"]}',
      "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value",
    ],
    [
      '{"a\tb": ["x"]}',
      "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to be included in name",
    ],
    ['{"a": ["\\q"]}', "Unrecognized character escape 'q' (code 113)"],
    ['{"a": [{"exists": "yes"}]}', "exists match pattern must be either true or false."],
    ['{"a": [{"exists": true, "x": 1}]}', "Only one key allowed in match expression"],
    ['{"a": [{"numeric": 5}]}', "Value of numeric must be an array."],
    ['{"a": [{"numeric": [5]}]}', "Invalid member in numeric match: 5"],
    ['{"a": [{"numeric": ["!", 5]}]}', "Unrecognized numeric range operator: !"],
    ['{"a": [{"numeric": [">", "5"]}]}', "Value of > must be numeric"],
    ['{"a": [{"numeric": ["=", "5"]}]}', "Value of equals must be numeric"],
    ['{"a": [{"numeric": ["<", 5, ">", 1]}]}', "Too many elements in numeric expression"],
    ['{"a": [{"numeric": [">", 5, ">", 1]}]}', "Bad numeric range operator: >"],
    ['{"a": [{"numeric": [">", 5, 1]}]}', "Bad value in numeric range: 1"],
    ['{"a": [{"numeric": [">", 5, "<", 1]}]}', "Bottom must be less than top"],
    ['{"a": [{"numeric": [">", 0, "<", 10, "x"]}]}', "Too many terms in numeric range expression"],
    ['{"a": [{"numeric": ["<", 6e9]}]}', "Value must be between -5.0E9 and 5.0E9, inclusive"],
    ['{"a": [{"anything-but": null}]}', "Value of anything-but must be an array or single string/number value."],
    [
      '{"a": [{"anything-but": ["x", 1]}]}',
      "Inside anything but list, either all values are number or string, mixed type is not supported",
    ],
    ['{"a": [{"anything-but": [true]}]}', "Inside anything but list, start|null|boolean is not supported."],
    ['{"a": [{"anything-but": {"foo": "x"}}]}', "Unsupported anything-but pattern: foo"],
    ['{"a": [{"anything-but": {"prefix": ""}}]}', "Null prefix/suffix not allowed"],
    ['{"a": [{"anything-but": {"prefix": 1}}]}', "prefix/suffix match pattern must be a string"],
    [
      '{"a": [{"anything-but": {"equals-ignore-case": [1]}}]}',
      "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
    ],
    ['{"a": [{"cidr": "10.0.0.0"}]}', "Malformed CIDR, one '/' required"],
    ['{"a": [{"cidr": 5}]}', "prefix match pattern must be a string"],
    ['{"$or": {"a": ["x"]}}', "It must be an Array followed with $or."],
    ['{"$or": [{"a": ["x"]}]}', "There must have at least 2 Objects in $or relationship."],
    ['{"$or": [{"a": ["x"]}, "b"]}', "Only JSON object is allowed in array of $or relationship."],
    [
      '{"$or": [{"a": ["x"]}, {"prefix": ["y"]}]}',
      "prefix is Ruler reserved fieldName which cannot be used inside $or.",
    ],
    ['{"a": ["x",]}', "Unexpected character (']' (code 93)): expected a value"],
    [
      '{"a": ["x"]',
      'Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)"{"a": ["x"]"; line: 1, column: 1])',
    ],
    [
      '{"a": [tru]}',
      "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    ],
    ['{"a": [01]}', "Invalid numeric value: Leading zeroes not allowed"],
    ['{"a" ["x"]}', "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value"],
  ];
  it.each(cases)("%s", (pattern, reason) => {
    const e = errorOf(pattern);
    expect(e.reason).toBe(reason);
    expect(e.message.startsWith(`Event pattern is not valid. Reason: ${reason}`)).toBe(true);
  });

  it("refuses wildcards that are too complex", () => {
    const names = ["Shared", "Monitoring", "Network", "Data"];
    const rule = (n: number) =>
      JSON.stringify({ detail: { "stack-id": names.slice(0, n).map((s) => ({ wildcard: `*:stack/${s}Stack/*` })) } });
    expect(() => compilePattern(rule(3))).not.toThrow();
    expect(errorOf(rule(4)).message).toBe(
      "Event pattern is not valid. Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character",
    );
  });
});

describe("compilePattern accepts", () => {
  it.each([
    '{"source": ["aws.ec2"]}',
    '{"detail": {"a": [{"anything-but": {"equals-ignore-case": "x"}}]}}',
    '{"detail": {"a": [{"anything-but": {"wildcard": ["*/lib/*", "*/bin/*"]}}]}}',
    '{"a": [{"numeric": [">=", -5e9, "<=", 5e9]}]}',
    '{"a": [12345678901]}',
    '{"a": [{"anything-but": {"prefix": ["us-", "eu-"]}}, {"anything-but": {"suffix": [".png"]}}]}',
    '{"a": [{"equals": "x"}]}',
    '{"a": ["x"]} trailing text is ignored, as AWS ignores it',
    '{"a": [null, true, false, "", 0, -1.5e3]}',
  ])("%s", (p) => {
    expect(compilePattern(p).source).toBe(p);
  });
});

describe("parseTestEvent (TestEventPattern's Event)", () => {
  const ok = {
    id: "1",
    account: "123456789012",
    source: "s",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    "detail-type": "t",
  };
  it("accepts an envelope without resources", () => {
    expect(parseTestEvent(JSON.stringify(ok))).toEqual(ok);
  });
  it.each(["not json", "[]", "null", JSON.stringify({ ...ok, id: undefined })])("refuses %s", (e) => {
    expect(() => parseTestEvent(e)).toThrow(TestEventError);
    expect(() => parseTestEvent(e)).toThrow("Parameter Event is not valid.");
  });
});
