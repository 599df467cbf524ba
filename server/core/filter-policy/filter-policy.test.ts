import { describe, it, expect } from "vitest";
import { countCombinations, evaluateFilterPolicy, filterPolicyErrorMessage, parseFilterPolicy } from "./index";
import type { FilterPolicy, FilterPolicyScope, MessageAttributeInput } from "./index";

type Attrs = Record<string, MessageAttributeInput>;
const S = (v: string): MessageAttributeInput => ({ DataType: "String", StringValue: v });
const N = (v: string): MessageAttributeInput => ({ DataType: "Number", StringValue: v });
const A = (v: unknown[]): MessageAttributeInput => ({ DataType: "String.Array", StringValue: JSON.stringify(v) });
const B: MessageAttributeInput = { DataType: "Binary", BinaryValue: new Uint8Array([1]) };

function parsed(policy: unknown, scope: FilterPolicyScope): FilterPolicy {
  const r = parseFilterPolicy(JSON.stringify(policy), scope);
  if (!r.ok) throw new Error(`policy rejected: ${r.error.message} at ${r.error.path}`);
  return r.policy;
}
const matchAttrs = (policy: unknown, attributes: Attrs) =>
  evaluateFilterPolicy(parsed(policy, "MessageAttributes"), { scope: "MessageAttributes", attributes });
const matchBody = (policy: unknown, body: unknown) =>
  evaluateFilterPolicy(parsed(policy, "MessageBody"), {
    scope: "MessageBody",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("evaluate: MessageAttributes scope", () => {
  const cases: Array<[string, unknown, Attrs, boolean]> = [
    ["exact string", { store: ["a", "b"] }, { store: S("b") }, true],
    ["exact string is case-sensitive", { store: ["Rugby"] }, { store: S("rugby") }, false],
    ["exact string other value", { store: ["a", "b"] }, { store: S("c") }, false],
    ["missing attribute", { store: ["a"] }, {}, false],
    ["unlisted attributes are ignored", { store: ["a"] }, { store: S("a"), other: S("zzz") }, true],
    ["AND across keys: both", { a: ["x"], b: ["y"] }, { a: S("x"), b: S("y") }, true],
    ["AND across keys: one fails", { a: ["x"], b: ["y"] }, { a: S("x"), b: S("n") }, false],
    ["String.Array any element", { sport: ["rugby", "tennis"] }, { sport: A(["soccer", "rugby"]) }, true],
    ["String.Array no element", { sport: ["rugby"] }, { sport: A(["baseball"]) }, false],
    ["String.Array numeric element", { n: [{ numeric: [">", 10] }] }, { n: A([1, 20]) }, true],
    [
      "String.Array malformed never matches",
      { sport: ["rugby"] },
      { sport: { DataType: "String.Array", StringValue: "rugby" } },
      false,
    ],
    ["Number exact (3.015e2 = 301.5)", { price: [301.5] }, { price: N("3.015e2") }, true],
    ["numeric = on Number", { price: [{ numeric: ["=", 301.5] }] }, { price: N("301.5") }, true],
    ["numeric range inside", { price: [{ numeric: [">", 0, "<=", 150] }] }, { price: N("150") }, true],
    ["numeric range upper bound", { price: [{ numeric: [">", 0, "<=", 150] }] }, { price: N("150.1") }, false],
    ["numeric range lower bound exclusive", { price: [{ numeric: [">", 0, "<=", 150] }] }, { price: N("0") }, false],
    ["numeric < negative", { price: [{ numeric: ["<", 0] }] }, { price: N("-1") }, true],
    ["numeric >= equal", { price: [{ numeric: [">=", 5] }] }, { price: N("5") }, true],
    ["numeric against String attribute never matches", { price: [{ numeric: [">", 1] }] }, { price: S("5") }, false],
    ["policy number vs String attribute", { price: [100] }, { price: S("100") }, false],
    ["policy string vs Number attribute", { price: ["100"] }, { price: N("100") }, false],
    ["5 decimal places of accuracy", { price: [1.000001] }, { price: N("1") }, true],
    ["6th decimal beyond accuracy is ignored", { price: [{ numeric: [">", 1] }] }, { price: N("1.000001") }, false],
    ["custom Number type label", { price: [5] }, { price: { DataType: "Number.int", StringValue: "5" } }, true],
    ["prefix", { e: [{ prefix: "bas" }] }, { e: S("baseball") }, true],
    ["prefix miss", { e: [{ prefix: "bas" }] }, { e: S("rugby") }, false],
    ["prefix never matches Number", { e: [{ prefix: "1" }] }, { e: N("123") }, false],
    ["suffix", { e: [{ suffix: "ball" }] }, { e: S("baseball") }, true],
    ["suffix miss", { e: [{ suffix: "ball" }] }, { e: S("rugby") }, false],
    ["equals-ignore-case", { e: [{ "equals-ignore-case": "RuGbY" }] }, { e: S("rugBY") }, true],
    ["equals-ignore-case miss", { e: [{ "equals-ignore-case": "rugby" }] }, { e: S("rugby7") }, false],
    ["anything-but list", { s: [{ "anything-but": ["rugby", "tennis"] }] }, { s: S("football") }, true],
    ["anything-but list listed", { s: [{ "anything-but": ["rugby", "tennis"] }] }, { s: S("rugby") }, false],
    ["anything-but single", { s: [{ "anything-but": "rugby" }] }, { s: S("rugby") }, false],
    [
      "anything-but String.Array with an unlisted value",
      { s: [{ "anything-but": ["rugby", "tennis"] }] },
      { s: A(["rugby", "baseball"]) },
      true,
    ],
    [
      "anything-but String.Array all listed",
      { s: [{ "anything-but": ["rugby", "tennis"] }] },
      { s: A(["rugby", "tennis"]) },
      false,
    ],
    ["anything-but numbers", { p: [{ "anything-but": [100, 500] }] }, { p: N("100.1") }, true],
    ["anything-but numbers listed", { p: [{ "anything-but": [100, 500] }] }, { p: N("1e2") }, false],
    ["anything-but needs the key", { s: [{ "anything-but": "rugby" }] }, {}, false],
    ["anything-but combined with exists:false", { s: [{ "anything-but": "rugby" }, { exists: false }] }, {}, true],
    ["anything-but prefix", { e: [{ "anything-but": { prefix: "order-" } }] }, { e: S("data-entry") }, true],
    [
      "anything-but prefix denied",
      { e: [{ "anything-but": { prefix: "order-" } }] },
      { e: S("order-cancelled") },
      false,
    ],
    ["exists:true present", { store: [{ exists: true }] }, { store: N("99") }, true],
    ["exists:true missing", { store: [{ exists: true }] }, { def: N("99") }, false],
    ["exists:false missing key", { store: [{ exists: false }] }, { def: N("99") }, true],
    ["exists:false present key", { store: [{ exists: false }] }, { store: S("x") }, false],
    ["Binary attributes are ignored (exists:true)", { img: [{ exists: true }] }, { img: B }, false],
    ["Binary attributes are ignored (exists:false)", { img: [{ exists: false }] }, { img: B }, true],
    ["null never matches an attribute", { a: [null] }, {}, false],
    ["null never matches a String attribute", { a: [null] }, { a: S("null") }, false],
    ["true matches a String.Array boolean", { a: [true] }, { a: A([false, true]) }, true],
    ["true does not match the string 'true'", { a: [true] }, { a: S("true") }, false],
    ["cidr v4 inside", { ip: [{ cidr: "10.0.0.0/24" }] }, { ip: S("10.0.0.255") }, true],
    ["cidr v4 outside", { ip: [{ cidr: "10.0.0.0/24" }] }, { ip: S("10.1.1.0") }, false],
    ["cidr v4 host bits in policy", { ip: [{ cidr: "10.0.0.7/24" }] }, { ip: S("10.0.0.1") }, true],
    ["cidr v6 inside", { ip: [{ cidr: "2001:db8::/32" }] }, { ip: S("2001:db8:ffff::1") }, true],
    ["cidr v6 outside", { ip: [{ cidr: "2001:db8::/32" }] }, { ip: S("2001:db9::1") }, false],
    ["cidr v6 with dotted tail", { ip: [{ cidr: "::ffff:10.0.0.0/120" }] }, { ip: S("::ffff:10.0.0.9") }, true],
    ["cidr version mismatch", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: S("::1") }, false],
    ["cidr not an ip", { ip: [{ cidr: "0.0.0.0/0" }] }, { ip: S("localhost") }, false],
    ["cidr /0 matches everything", { ip: [{ cidr: "::/0" }] }, { ip: S("fe80::1") }, true],
    ["OR within a key's list", { e: ["x", { prefix: "ord" }] }, { e: S("order") }, true],
    [
      "$or: first branch",
      { source: ["cw"], $or: [{ metricName: ["CPU"] }, { namespace: ["EC2"] }] },
      { source: S("cw"), metricName: S("CPU") },
      true,
    ],
    [
      "$or: second branch",
      { source: ["cw"], $or: [{ metricName: ["CPU"] }, { namespace: ["EC2"] }] },
      { source: S("cw"), namespace: S("EC2") },
      true,
    ],
    [
      "$or: no branch",
      { source: ["cw"], $or: [{ metricName: ["CPU"] }, { namespace: ["EC2"] }] },
      { source: S("cw"), namespace: S("S3") },
      false,
    ],
    [
      "$or: AND outside still applies",
      { source: ["cw"], $or: [{ metricName: ["CPU"] }, { namespace: ["EC2"] }] },
      { source: S("x"), metricName: S("CPU") },
      false,
    ],
    [
      "nested $or",
      { s: ["a"], $or: [{ m: ["CPU"] }, { t: ["T"], $or: [{ id: [1] }, { sp: [2] }] }] },
      { s: S("a"), t: S("T"), sp: N("2") },
      true,
    ],
    [
      "nested $or inner miss",
      { s: ["a"], $or: [{ m: ["CPU"] }, { t: ["T"], $or: [{ id: [1] }, { sp: [2] }] }] },
      { s: S("a"), t: S("T"), sp: N("3") },
      false,
    ],
    [
      "$or with reserved-keyword fields is an attribute name",
      { $or: [{ prefix: "a" }, { suffix: "z" }] },
      { $or: S("abc") },
      true,
    ],
    ["empty policy matches everything", {}, {}, true],
  ];
  it.each(cases)("%s", (_name, policy, attributes, expected) => {
    expect(matchAttrs(policy, attributes).match).toBe(expected);
  });
});

describe("evaluate: MessageBody scope", () => {
  const cases: Array<[string, unknown, unknown, boolean]> = [
    ["exact string", { store: ["a"] }, { store: "a" }, true],
    ["nested key", { object: { key: [{ prefix: "auto-" }] } }, { object: { key: "auto-test" } }, true],
    ["nested key miss", { object: { key: [{ prefix: "auto-" }] } }, { object: { key: "manual" } }, false],
    ["nested parent missing", { object: { key: ["x"] } }, { other: 1 }, false],
    ["nested parent is a scalar", { object: { key: ["x"] } }, { object: "x" }, false],
    ["body array any element", { sport: ["rugby"] }, { sport: ["baseball", "rugby"] }, true],
    ["body array no element", { sport: ["rugby"] }, { sport: ["baseball"] }, false],
    [
      "array of objects",
      { Records: { eventName: [{ prefix: "ObjectCreated:" }] } },
      { Records: [{ eventName: "ObjectRemoved:Delete" }, { eventName: "ObjectCreated:Put" }] },
      true,
    ],
    [
      "nested arrays of objects",
      { r: { s3: { object: { key: [{ prefix: "auto-" }] } } } },
      { r: [{ s3: { object: [[{ key: "auto-1.xml" }]] } }] },
      true,
    ],
    [
      "array elements must each satisfy the sub-policy",
      { r: { a: ["1"], b: ["2"] } },
      { r: [{ a: "1" }, { b: "2" }] },
      false,
    ],
    [
      "one array element satisfying the sub-policy",
      { r: { a: ["1"], b: ["2"] } },
      { r: [{ a: "1" }, { a: "1", b: "2" }] },
      true,
    ],
    ["number", { price: [210.75] }, { price: 210.75 }, true],
    ["number given as a string does not match a number", { price: [100] }, { price: "100" }, false],
    ["numeric given a string does not match", { price: [{ numeric: [">", 1] }] }, { price: "5" }, false],
    ["numeric on body number array", { price: [{ numeric: [">", 10] }] }, { price: [1, 50] }, true],
    ["numeric exponent form", { price: [{ numeric: ["=", 301.5] }] }, '{"price": 3.015e2}', true],
    ["null matches explicit null", { a: [null] }, { a: null }, true],
    ["null does not match a missing key", { a: [null] }, {}, false],
    ["null does not match empty string", { a: [null] }, { a: "" }, false],
    ["boolean", { ok: [true] }, { ok: true }, true],
    ["boolean false vs true", { ok: [false] }, { ok: true }, false],
    ["exists:true on null value", { a: [{ exists: true }] }, { a: null }, true],
    ["exists:true on an object is not a leaf", { a: [{ exists: true }] }, { a: { b: 1 } }, false],
    ["exists:false on missing nested key", { a: { b: [{ exists: false }] } }, { a: { c: 1 } }, true],
    ["exists:false when the parent is missing", { a: { b: [{ exists: false }] } }, { z: 1 }, true],
    ["exists:false on present nested key", { a: { b: [{ exists: false }] } }, { a: { b: 0 } }, false],
    ["exists:true on empty array", { a: [{ exists: true }] }, { a: [] }, false],
    ["equals-ignore-case", { e: [{ "equals-ignore-case": "ABC" }] }, { e: "abc" }, true],
    ["suffix", { e: [{ suffix: ".xml" }] }, { e: "a.xml" }, true],
    ["anything-but does not match a missing key", { e: [{ "anything-but": "x" }] }, {}, false],
    ["anything-but array with an unlisted value", { e: [{ "anything-but": ["a"] }] }, { e: ["a", "b"] }, true],
    ["cidr v6", { ip: [{ cidr: "2001:db8::/64" }] }, { ip: "2001:db8::abcd" }, true],
    ["$or across nested keys", { $or: [{ a: { b: ["1"] } }, { c: ["2"] }] }, { c: "2" }, true],
    [
      "$or inside a nested object",
      { d: { scope: ["S"], $or: [{ source: ["x"] }, { type: ["y"] }] } },
      { d: { scope: "S", type: "y" } },
      true,
    ],
    [
      "$or inside a nested object miss",
      { d: { scope: ["S"], $or: [{ source: ["x"] }, { type: ["y"] }] } },
      { d: { scope: "S", type: "z" } },
      false,
    ],
    ["non-JSON body never matches", { a: [{ exists: false }] }, "not json", false],
    ["JSON array body never matches", { a: [{ exists: false }] }, "[1,2]", false],
    ["empty policy, JSON body", {}, { x: 1 }, true],
  ];
  it.each(cases)("%s", (_name, policy, body, expected) => {
    expect(matchBody(policy, body).match).toBe(expected);
  });
});

describe("evaluate: mismatch reasons", () => {
  const cases: Array<[string, () => ReturnType<typeof matchAttrs>, string]> = [
    [
      "value not listed",
      () => matchAttrs({ store: ["a", "b"] }, { store: S("x") }),
      'key "store": value "x" matched none of ["a","b"]',
    ],
    ["attribute missing", () => matchAttrs({ price: [{ numeric: [">", 1] }] }, {}), 'key "price": attribute missing'],
    [
      "binary ignored",
      () => matchAttrs({ img: ["x"] }, { img: B }),
      'key "img": attribute missing (Binary attributes are ignored by filtering)',
    ],
    [
      "several values",
      () => matchAttrs({ s: ["a"] }, { s: A(["b", "c"]) }),
      'key "s": values ["b","c"] matched none of ["a"]',
    ],
    [
      "exists:false",
      () => matchAttrs({ s: [{ exists: false }] }, { s: S("x") }),
      'key "s": attribute present but policy requires it absent',
    ],
    [
      "first failing key in order",
      () => matchAttrs({ a: ["1"], b: ["2"] }, { a: S("0"), b: S("0") }),
      'key "a": value "0" matched none of ["1"]',
    ],
    [
      "$or",
      () => matchAttrs({ $or: [{ a: ["1"] }, { b: ["2"] }] }, { a: S("0") }),
      'no $or alternative matched (1: key "a": value "0" matched none of ["1"]; 2: key "b": attribute missing)',
    ],
    ["nested body path", () => matchBody({ o: { k: [5] } }, { o: { k: 6 } }), 'key "o.k": value 6 matched none of [5]'],
    ["body property missing", () => matchBody({ o: { k: [5] } }, {}), 'key "o.k": property missing'],
    [
      "array of objects",
      () => matchBody({ r: { k: ["x"] } }, { r: [{ k: "a" }, { k: "b" }] }),
      'key "r": no array element matched (first: key "r.k": value "a" matched none of ["x"])',
    ],
    ["non-JSON body", () => matchBody({ a: ["x"] }, "{oops"), "message body is not valid JSON"],
  ];
  it.each(cases)("%s", (_name, run, reason) => {
    expect(run()).toEqual({ match: false, reason });
  });

  it("refuses input of the other scope", () => {
    const policy = parsed({ a: ["x"] }, "MessageBody");
    expect(evaluateFilterPolicy(policy, { scope: "MessageAttributes", attributes: { a: S("x") } })).toEqual({
      match: false,
      reason: "policy scope is MessageBody but the message was given as MessageAttributes",
    });
  });
});

const numbered = (n: number, prefix = "v") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("parse: accepted syntax", () => {
  const cases: Array<[string, unknown, FilterPolicyScope]> = [
    [
      "every operator",
      { a: ["s", 1, true, false, null, { prefix: "p" }, { suffix: "s" }, { "equals-ignore-case": "E" }] },
      "MessageAttributes",
    ],
    [
      "anything-but forms",
      {
        a: [
          { "anything-but": "x" },
          { "anything-but": 5 },
          { "anything-but": ["x", 5] },
          { "anything-but": { prefix: "p" } },
        ],
      },
      "MessageAttributes",
    ],
    [
      "numeric forms",
      {
        a: [
          { numeric: ["=", 0] },
          { numeric: ["<", 1e9] },
          { numeric: [">=", -1e9, "<", 1e9] },
          { numeric: [">", 0.00001, "<=", 5] },
        ],
      },
      "MessageAttributes",
    ],
    [
      "exists and cidr",
      { a: [{ exists: true }], b: [{ exists: false }], c: [{ cidr: "10.0.0.0/8" }, { cidr: "fe80::/10" }] },
      "MessageAttributes",
    ],
    ["exact numbers beyond the numeric range", { account: [123456789012] }, "MessageAttributes"],
    ["nested body policy", { a: { b: { c: ["x"] } } }, "MessageBody"],
    ["$or", { a: ["x"], $or: [{ b: ["y"] }, { c: ["z"], $or: [{ d: [1] }, { e: [2] }] }] }, "MessageAttributes"],
    ["empty policy", {}, "MessageAttributes"],
  ];
  it.each(cases)("%s", (_name, policy, scope) => {
    const r = parseFilterPolicy(JSON.stringify(policy), scope);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.policy.source).toEqual(policy);
  });

  it("accepts an already-parsed object", () => {
    const r = parseFilterPolicy({ a: ["x"] }, "MessageAttributes");
    expect(r.ok && r.policy.root.fields.map((f) => f.key)).toEqual(["a"]);
  });

  it("reads $or with a reserved-keyword field as an ordinary key named $or", () => {
    const r = parseFilterPolicy(JSON.stringify({ $or: [{ prefix: "a" }, { suffix: "b" }] }), "MessageAttributes");
    expect(r.ok && r.policy.root.or).toBeUndefined();
    expect(r.ok && r.policy.root.fields[0]).toMatchObject({ key: "$or", kind: "rules" });
  });

  it("reads a single-object $or as an ordinary key (and then rejects its content)", () => {
    const r = parseFilterPolicy(JSON.stringify({ $or: [{ a: ["x"] }] }), "MessageAttributes");
    expect(r).toEqual({ ok: false, error: { message: "Unrecognized match type a", path: "$.$or[0]" } });
  });
});

describe("parse: rejected policies", () => {
  const cases: Array<[string, unknown, FilterPolicyScope, string, string]> = [
    [
      "list inside list",
      { key: [["value"]] },
      "MessageAttributes",
      "Match value must be String, number, true, false, or null",
      "$.key[0]",
    ],
    [
      "unknown operator",
      { key: [{ "wrong-operator": true }] },
      "MessageAttributes",
      "Unrecognized match type wrong-operator",
      "$.key[0]",
    ],
    [
      "wildcard is not an SNS operator",
      { key: [{ wildcard: "a*" }] },
      "MessageBody",
      "Unrecognized match type wildcard",
      "$.key[0]",
    ],
    [
      "two operators in one object",
      { key: [{ suffix: "value", prefix: "value2" }] },
      "MessageAttributes",
      "Only one key allowed in match expression",
      "$.key[0]",
    ],
    ["empty match object", { key: [{}] }, "MessageAttributes", "Empty objects are not allowed", "$.key[0]"],
    [
      "suffix number",
      { key: [{ suffix: 100 }] },
      "MessageAttributes",
      "suffix match pattern must be a string",
      "$.key[0].suffix",
    ],
    [
      "suffix null",
      { key: [{ suffix: null }] },
      "MessageAttributes",
      "suffix match pattern must be a string",
      "$.key[0].suffix",
    ],
    [
      "suffix list",
      { key: [{ suffix: ["a"] }] },
      "MessageAttributes",
      "suffix match pattern must be a string",
      "$.key[0].suffix",
    ],
    [
      "prefix bool",
      { key: [{ prefix: true }] },
      "MessageAttributes",
      "prefix match pattern must be a string",
      "$.key[0].prefix",
    ],
    [
      "equals-ignore-case number",
      { key: [{ "equals-ignore-case": 1 }] },
      "MessageAttributes",
      "equals-ignore-case match pattern must be a string",
      '$.key[0]["equals-ignore-case"]',
    ],
    [
      "operator object not in a list",
      { key: { suffix: "value" } },
      "MessageAttributes",
      '"suffix" must be an object or an array',
      "$.key.suffix",
    ],
    [
      "bare string value",
      { key_a: "value_one" },
      "MessageAttributes",
      '"key_a" must be an object or an array',
      "$.key_a",
    ],
    ["bare number value", { key_a: 5 }, "MessageBody", '"key_a" must be an object or an array', "$.key_a"],
    ["empty list", { key: [] }, "MessageAttributes", "Empty arrays are not allowed", "$.key"],
    ["empty nested object", { key: {} }, "MessageBody", "Empty objects are not allowed", "$.key"],
    [
      "exists null",
      { key: [{ exists: null }] },
      "MessageAttributes",
      "exists match pattern must be either true or false.",
      "$.key[0].exists",
    ],
    [
      "exists string",
      { key: [{ exists: "no" }] },
      "MessageAttributes",
      "exists match pattern must be either true or false.",
      "$.key[0].exists",
    ],
    [
      "anything-but suffix",
      { key: [{ "anything-but": { suffix: "test" } }] },
      "MessageAttributes",
      "Unsupported anything-but pattern: suffix",
      '$.key[0]["anything-but"].suffix',
    ],
    [
      "anything-but equals-ignore-case",
      { key: [{ "anything-but": { "equals-ignore-case": "x" } }] },
      "MessageBody",
      "Unsupported anything-but pattern: equals-ignore-case",
      '$.key[0]["anything-but"]["equals-ignore-case"]',
    ],
    [
      "anything-but exists",
      { key: [{ "anything-but": { exists: false } }] },
      "MessageAttributes",
      "Unsupported anything-but pattern: exists",
      '$.key[0]["anything-but"].exists',
    ],
    [
      "anything-but unknown",
      { key: [{ "anything-but": { "wrong-operator": null } }] },
      "MessageAttributes",
      "Unsupported anything-but pattern: wrong-operator",
      '$.key[0]["anything-but"]["wrong-operator"]',
    ],
    [
      "anything-but prefix bool",
      { key: [{ "anything-but": { prefix: false } }] },
      "MessageAttributes",
      "prefix match pattern must be a string",
      '$.key[0]["anything-but"].prefix',
    ],
    [
      "anything-but null",
      { key: [{ "anything-but": null }] },
      "MessageAttributes",
      "Value of anything-but must be an array or single string/number value.",
      '$.key[0]["anything-but"]',
    ],
    [
      "anything-but list with null",
      { key: [{ "anything-but": ["a", null] }] },
      "MessageAttributes",
      "Inside anything but list, start|null|boolean is not supported.",
      '$.key[0]["anything-but"][1]',
    ],
    [
      "anything-but empty list",
      { key: [{ "anything-but": [] }] },
      "MessageAttributes",
      "Empty arrays are not allowed",
      '$.key[0]["anything-but"]',
    ],
    [
      "numeric not a list",
      { key: [{ numeric: 5 }] },
      "MessageAttributes",
      "Value of numeric must be an array.",
      "$.key[0].numeric",
    ],
    [
      "numeric empty",
      { key: [{ numeric: [] }] },
      "MessageAttributes",
      "Invalid member in numeric match: ]",
      "$.key[0].numeric",
    ],
    [
      "numeric unknown operator",
      { key: [{ numeric: ["operator"] }] },
      "MessageAttributes",
      "Unrecognized numeric range operator: operator",
      "$.key[0].numeric[0]",
    ],
    [
      "numeric operand first",
      { key: [{ numeric: [1, "<="] }] },
      "MessageAttributes",
      "Invalid member in numeric match: 1",
      "$.key[0].numeric[0]",
    ],
    [
      "numeric value as string",
      { key: [{ numeric: ["=", "000"] }] },
      "MessageAttributes",
      "Value of equals must be numeric",
      "$.key[0].numeric[1]",
    ],
    [
      "numeric missing value",
      { key: [{ numeric: [">="] }] },
      "MessageAttributes",
      "Value of >= must be numeric",
      "$.key[0].numeric[1]",
    ],
    [
      "numeric range after <",
      { key: [{ numeric: ["<", 100, ">", 10] }] },
      "MessageAttributes",
      "Too many elements in numeric expression",
      "$.key[0].numeric[2]",
    ],
    [
      "numeric range after =",
      { key: [{ numeric: ["=", 1, "<", 10] }] },
      "MessageAttributes",
      "Too many elements in numeric expression",
      "$.key[0].numeric[2]",
    ],
    [
      "numeric second operator >",
      { key: [{ numeric: [">=", 1, ">", 2] }] },
      "MessageAttributes",
      "Bad numeric range operator: >",
      "$.key[0].numeric[2]",
    ],
    [
      "numeric second operator unknown",
      { key: [{ numeric: [">", 20, "test"] }] },
      "MessageAttributes",
      "Bad numeric range operator: test",
      "$.key[0].numeric[2]",
    ],
    [
      "numeric missing second operator",
      { key: [{ numeric: [">", 20, 30] }] },
      "MessageAttributes",
      "Bad value in numeric range: 30",
      "$.key[0].numeric[2]",
    ],
    [
      "numeric missing upper value",
      { key: [{ numeric: [">", 20, "<="] }] },
      "MessageAttributes",
      "Value of <= must be numeric",
      "$.key[0].numeric[3]",
    ],
    [
      "numeric lower value as string",
      { key: [{ numeric: [">", "20", "<", "30"] }] },
      "MessageAttributes",
      "Value of > must be numeric",
      "$.key[0].numeric[1]",
    ],
    [
      "numeric upper value as string",
      { key: [{ numeric: [">", 20, "<", "30"] }] },
      "MessageAttributes",
      "Value of < must be numeric",
      "$.key[0].numeric[3]",
    ],
    [
      "numeric bottom above top",
      { key: [{ numeric: [">", 3, "<", 1] }] },
      "MessageAttributes",
      "Bottom must be less than top",
      "$.key[0].numeric[3]",
    ],
    [
      "numeric bottom equals top",
      { key: [{ numeric: [">=", 3, "<=", 3] }] },
      "MessageAttributes",
      "Bottom must be less than top",
      "$.key[0].numeric[3]",
    ],
    [
      "numeric too many terms",
      { key: [{ numeric: [">", 20, "<", 30, "<", 50] }] },
      "MessageAttributes",
      "Too many terms in numeric range expression",
      "$.key[0].numeric[4]",
    ],
    [
      "numeric above 1e9",
      { key: [{ numeric: ["<", 1000000001] }] },
      "MessageAttributes",
      "Value of < must be between -1000000000 and 1000000000",
      "$.key[0].numeric[1]",
    ],
    [
      "numeric below -1e9",
      { key: [{ numeric: [">", -1e10, "<", 0] }] },
      "MessageAttributes",
      "Value of > must be between -1000000000 and 1000000000",
      "$.key[0].numeric[1]",
    ],
    [
      "cidr not a string",
      { ip: [{ cidr: 10 }] },
      "MessageAttributes",
      "prefix match pattern must be a string",
      "$.ip[0].cidr",
    ],
    [
      "cidr without mask",
      { ip: [{ cidr: "10.0.0.0" }] },
      "MessageAttributes",
      "Malformed CIDR, one '/' required",
      "$.ip[0].cidr",
    ],
    [
      "cidr bad mask",
      { ip: [{ cidr: "10.0.0.0/x" }] },
      "MessageAttributes",
      "Malformed CIDR, mask bits must be an integer",
      "$.ip[0].cidr",
    ],
    [
      "cidr mask too wide v4",
      { ip: [{ cidr: "10.0.0.0/33" }] },
      "MessageAttributes",
      "Malformed CIDR, mask bits must be between 0 and 32",
      "$.ip[0].cidr",
    ],
    [
      "cidr mask too wide v6",
      { ip: [{ cidr: "::/129" }] },
      "MessageAttributes",
      "Malformed CIDR, mask bits must be between 0 and 128",
      "$.ip[0].cidr",
    ],
    [
      "cidr bad v4 address",
      { ip: [{ cidr: "10.0.0.256/8" }] },
      "MessageAttributes",
      "Nonstandard IP address: 10.0.0.256",
      "$.ip[0].cidr",
    ],
    [
      "cidr bad v6 address",
      { ip: [{ cidr: "2001:db8:::1/64" }] },
      "MessageAttributes",
      "Nonstandard IP address: 2001:db8:::1",
      "$.ip[0].cidr",
    ],
    [
      "first error in document order wins",
      { a: ["ok"], b: [{ nope: 1 }], c: [[1]] },
      "MessageAttributes",
      "Unrecognized match type nope",
      "$.b[0]",
    ],
    [
      "error inside $or",
      { $or: [{ a: ["x"] }, { b: [{ exists: 1 }] }] },
      "MessageAttributes",
      "exists match pattern must be either true or false.",
      "$.$or[1].b[0].exists",
    ],
    [
      "syntax error beats a limit",
      { ...Object.fromEntries(numbered(6).map((k) => [k, ["x"]])), bad: [{ zz: 1 }] },
      "MessageAttributes",
      "Unrecognized match type zz",
      "$.bad[0]",
    ],
  ];
  it.each(cases)("%s", (_name, policy, scope, message, path) => {
    expect(parseFilterPolicy(JSON.stringify(policy), scope)).toEqual({ ok: false, error: { message, path } });
  });

  const raw: Array<[string, unknown, string]> = [
    ["top-level array", "[1]", "Filter policy must be a JSON object"],
    ["top-level string", '"x"', "Filter policy must be a JSON object"],
    ["top-level null (pre-parsed)", null, "Filter policy must be a JSON object"],
    ["non-finite number (pre-parsed)", { a: [Number.NaN] }, "Match value must be String, number, true, false, or null"],
  ];
  it.each(raw)("%s", (_name, input, message) => {
    const r = parseFilterPolicy(input, "MessageAttributes");
    expect(!r.ok && r.error.message).toBe(message);
  });

  it("rejects JSON it cannot parse", () => {
    const r = parseFilterPolicy('{"a": [', "MessageAttributes");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/^failed to parse JSON\. /);
  });

  it("rejects nesting under MessageAttributes scope, without the FilterPolicy label", () => {
    const r = parseFilterPolicy(JSON.stringify({ a: ["x"], object: { key: ["y"] } }), "MessageAttributes");
    expect(r).toEqual({
      ok: false,
      error: {
        message: "Filter policy scope MessageAttributes does not support nested filter policy",
        path: "$.object",
        unlabelled: true,
      },
    });
    expect(!r.ok && filterPolicyErrorMessage(r.error)).toBe(
      "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy",
    );
  });

  it("rejects nesting hidden in an $or branch under MessageAttributes scope", () => {
    const r = parseFilterPolicy(JSON.stringify({ $or: [{ a: ["x"] }, { b: { c: ["y"] } }] }), "MessageAttributes");
    expect(!r.ok && r.error.path).toBe("$.$or[1].b");
  });

  it("rejects an unknown scope with AWS's FilterPolicyScope wording", () => {
    const r = parseFilterPolicy("{}", "RandomValue" as FilterPolicyScope);
    expect(!r.ok && filterPolicyErrorMessage(r.error)).toBe(
      "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes",
    );
  });
});

describe("parse: limits", () => {
  const keys = (n: number, values = 1) => Object.fromEntries(numbered(n, "key").map((k) => [k, numbered(values)]));
  const cases: Array<[string, unknown, FilterPolicyScope, string | null]> = [
    ["5 attribute keys", keys(5), "MessageAttributes", null],
    ["6 attribute keys", keys(6), "MessageAttributes", "Filter policy can not have more than 5 keys"],
    ["6 body keys", keys(6), "MessageBody", "Filter policy can not have more than 5 keys"],
    [
      "body: 5 leaf keys under nesting",
      { a: { b: ["1"], c: ["1"] }, d: { e: { f: ["1"], g: ["1"] } }, h: ["1"] },
      "MessageBody",
      null,
    ],
    [
      "body: 6 leaf keys under 2 top-level keys",
      { a: { b: ["1"], c: ["1"], d: ["1"] }, e: { f: ["1"], g: ["1"], h: ["1"] } },
      "MessageBody",
      "Filter policy can not have more than 5 keys",
    ],
    [
      "body: leaf keys in $or branches count",
      {
        $or: [
          { a: ["1"], b: ["1"], c: ["1"] },
          { d: ["1"], e: ["1"], f: ["1"] },
        ],
      },
      "MessageBody",
      "Filter policy can not have more than 5 keys",
    ],
    [
      "body: the same leaf in two $or branches counts once",
      {
        $or: [
          { a: ["1"], b: ["2"] },
          { a: ["3"], c: ["4"] },
        ],
      },
      "MessageBody",
      null,
    ],
    ["150 values in one key", { key: numbered(150) }, "MessageAttributes", null],
    ["151 values in one key", { key: numbered(151) }, "MessageAttributes", "Filter policy is too complex"],
    [
      "100 x 51 values",
      { key1: numbered(100), key2: numbered(51) },
      "MessageAttributes",
      "Filter policy is too complex",
    ],
    ["3 x 50 values", { key1: numbered(3), key2: numbered(50) }, "MessageAttributes", null],
    [
      "body: nested depth multiplies (6x2 x 13 = 156)",
      { a: { b: numbered(6) }, c: numbered(13) },
      "MessageBody",
      "Filter policy is too complex",
    ],
    [
      "$or flat: 4x6 + 4x4x4 + 4x4x4 = 152",
      {
        source: numbered(4),
        $or: [
          { metricName: numbered(6) },
          { metricType: numbered(4), $or: [{ metricId: [1, 2, 3, 4] }, { spaceId: [1, 2, 3, 4] }] },
        ],
      },
      "MessageAttributes",
      "Filter policy is too complex",
    ],
    [
      "$or flat: 3x6 + 3x4x4 + 3x4x7 = 150",
      {
        source: numbered(3),
        $or: [
          { metricName: numbered(6) },
          { metricType: numbered(4), $or: [{ metricId: [1, 2, 3, 4] }, { spaceId: [1, 2, 3, 4, 5, 6, 7] }] },
        ],
      },
      "MessageAttributes",
      null,
    ],
    [
      "$or nested in body: 160",
      {
        $or: [{ metricName: numbered(3) }, { namespace: numbered(2) }],
        detail: { scope: numbered(2), $or: [{ source: ["x"] }, { type: numbered(3) }] },
      },
      "MessageBody",
      "Filter policy is too complex",
    ],
  ];
  it.each(cases)("%s", (_name, policy, scope, message) => {
    const r = parseFilterPolicy(JSON.stringify(policy), scope);
    if (message === null) expect(r.ok).toBe(true);
    else expect(r).toEqual({ ok: false, error: { message, path: "$" } });
  });

  const combos: Array<[string, unknown, number]> = [
    ["AWS docs: 3 x 1 x 2", { key_a: numbered(3), key_b: numbered(1), key_c: numbered(2) }, 6],
    ["AWS docs nested: 3 x 4 x 2 x 3", { key_a: { key_b: { key_c: numbered(4) } }, key_d: { key_e: numbered(3) } }, 72],
    ["$or sums its branches", { a: numbered(2), $or: [{ b: numbered(3) }, { c: numbered(5) }] }, 16],
  ];
  it.each(combos)("combinations: %s", (_name, policy, expected) => {
    expect(countCombinations(parsed(policy, "MessageBody").root)).toBe(expected);
  });

  it("rejects a policy over 256 KB", () => {
    const big = JSON.stringify({ key: ["x".repeat(256 * 1024)] });
    expect(parseFilterPolicy(big, "MessageAttributes")).toEqual({
      ok: false,
      error: { message: "Filter policy can not be larger than 256 KB", path: "$" },
    });
  });

  it("measures size in UTF-8 bytes", () => {
    // 90,000 three-byte characters are ~270 KB of UTF-8 but only 90,000 UTF-16 units.
    const r = parseFilterPolicy(JSON.stringify({ key: ["€".repeat(90_000)] }), "MessageAttributes");
    expect(!r.ok && r.error.message).toBe("Filter policy can not be larger than 256 KB");
  });
});

describe("filterPolicyErrorMessage", () => {
  const err = { message: "Filter policy is too complex", path: "$" };
  it.each([
    [{}, "Invalid parameter: FilterPolicy: Filter policy is too complex"],
    [{ subscribe: true }, "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex"],
  ])("frames the reason for %j", (opts, expected) => {
    expect(filterPolicyErrorMessage(err, opts)).toBe(expected);
  });
});
