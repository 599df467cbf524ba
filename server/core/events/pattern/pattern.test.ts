// Table tests from the EventBridge user guide ("Creating event patterns", "Content filtering",
// "Arrays in event patterns", "Matching null values and empty strings", "Comparison operators"):
// each row is a pattern and events as the docs give them, with the documented verdict.
import { describe, expect, it } from "vitest";
import { compilePattern, explainMatch, matchPattern } from "./index";

const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};

function env(detail: unknown, extra: Record<string, unknown> = {}) {
  return { ...ec2Event, ...extra, detail };
}

type Row = { name: string; pattern: unknown; event: unknown; match: boolean };

const rows: Row[] = [
  // Creating event patterns
  {
    name: "source + detail-type + detail.state",
    pattern: {
      source: ["aws.ec2"],
      "detail-type": ["EC2 Instance State-change Notification"],
      detail: { state: ["terminated"] },
    },
    event: ec2Event,
    match: true,
  },
  { name: "exact value differs", pattern: { detail: { state: ["running"] } }, event: ec2Event, match: false },
  {
    name: "fields absent from the pattern are ignored",
    pattern: { source: ["aws.ec2"] },
    event: ec2Event,
    match: true,
  },
  { name: "matching is case-sensitive", pattern: { source: ["AWS.EC2"] }, event: ec2Event, match: false },
  { name: "field the event lacks", pattern: { detail: { zone: ["a"] } }, event: ec2Event, match: false },
  // Arrays: pattern array is any-of; event array matches if the intersection is non-empty
  {
    name: "resources intersection",
    pattern: {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
      ],
    },
    event: env(
      {},
      {
        resources: [
          "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        ],
      },
    ),
    match: true,
  },
  {
    name: "resources no intersection",
    pattern: { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"] },
    event: ec2Event,
    match: false,
  },
  // Null values and empty strings
  {
    name: "null matches null",
    pattern: { detail: { responseElements: [null] } },
    event: env({ responseElements: null }),
    match: true,
  },
  {
    name: "null does not match a missing field",
    pattern: { detail: { responseElements: [null] } },
    event: env({}),
    match: false,
  },
  { name: "empty string", pattern: { detail: { eventVersion: [""] } }, event: env({ eventVersion: "" }), match: true },
  {
    name: "empty string is not null",
    pattern: { detail: { eventVersion: [""] } },
    event: env({ eventVersion: null }),
    match: false,
  },
  // Prefix / suffix (with and without equals-ignore-case)
  {
    name: "prefix",
    pattern: { time: [{ prefix: "2017-12-22" }] },
    event: ec2Event,
    match: true,
  },
  {
    name: "prefix equals-ignore-case",
    pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
    event: env({ service: "eventbridge" }),
    match: true,
  },
  { name: "prefix is case-sensitive", pattern: { region: [{ prefix: "US-" }] }, event: ec2Event, match: false },
  {
    name: "prefix only on strings",
    pattern: { detail: { n: [{ prefix: "1" }] } },
    event: env({ n: 12 }),
    match: false,
  },
  {
    name: "suffix",
    pattern: { detail: { FileName: [{ suffix: ".png" }] } },
    event: env({ FileName: "a.png" }),
    match: true,
  },
  {
    name: "suffix equals-ignore-case",
    pattern: { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
    event: env({ FileName: "A.PNG" }),
    match: true,
  },
  {
    name: "equals-ignore-case",
    pattern: { detail: { name: [{ "equals-ignore-case": "alice" }] } },
    event: env({ name: "ALICE" }),
    match: true,
  },
  // Anything-but, every form
  {
    name: "anything-but string",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    event: env({ state: "running" }),
    match: true,
  },
  {
    name: "anything-but string excludes",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    event: env({ state: "initializing" }),
    match: false,
  },
  {
    name: "anything-but number",
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    event: env({ "x-limit": 123.0 }),
    match: false,
  },
  {
    name: "anything-but list of strings",
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    event: env({ state: "stopped" }),
    match: false,
  },
  {
    name: "anything-but list of numbers",
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    event: env({ "x-limit": 150 }),
    match: true,
  },
  {
    name: "anything-but prefix",
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    event: env({ state: "initializing" }),
    match: false,
  },
  {
    name: "anything-but prefix lets others through",
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    event: env({ state: "running" }),
    match: true,
  },
  {
    name: "anything-but prefix list",
    pattern: { region: [{ "anything-but": { prefix: ["eu-", "us-"] } }] },
    event: ec2Event,
    match: false,
  },
  {
    name: "anything-but prefix list lets others through",
    pattern: { region: [{ "anything-but": { prefix: ["eu-", "ap-"] } }] },
    event: ec2Event,
    match: true,
  },
  {
    name: "anything-but suffix",
    pattern: { detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } },
    event: env({ FileName: "a.png" }),
    match: false,
  },
  {
    name: "anything-but equals-ignore-case",
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] } },
    event: env({ state: "STOPPED" }),
    match: false,
  },
  {
    name: "anything-but wildcard",
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    event: env({ FilePath: "/usr/lib/x.so" }),
    match: false,
  },
  {
    name: "anything-but wildcard lets others through",
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    event: env({ FilePath: "/usr/bin/x" }),
    match: true,
  },
  {
    name: "anything-but does not match a missing field",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    event: env({}),
    match: false,
  },
  {
    name: "anything-but on an event array: any element outside the list",
    pattern: { detail: { state: [{ "anything-but": ["a"] }] } },
    event: env({ state: ["a", "b"] }),
    match: true,
  },
  // Numeric
  {
    name: "numeric range (docs: c-count, d-count, x-limit)",
    pattern: {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    },
    event: env({ "c-count": 5, "d-count": 7, "x-limit": 301.8 }),
    match: true,
  },
  {
    name: "numeric open bound",
    pattern: { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } },
    event: env({ "c-count": 0 }),
    match: false,
  },
  {
    name: "numeric ignores strings",
    pattern: { detail: { n: [{ numeric: [">", 0] }] } },
    event: env({ n: "5" }),
    match: false,
  },
  {
    name: "numbers compare as numbers (exact)",
    pattern: { detail: { n: [300] } },
    event: env({ n: 3.0e2 }),
    match: true,
  },
  {
    name: "six decimal digits of precision",
    pattern: { detail: { n: [{ numeric: ["=", 1] }] } },
    event: env({ n: 1.0000001 }),
    match: true,
  },
  { name: "string does not equal number", pattern: { detail: { n: ["5"] } }, event: env({ n: 5 }), match: false },
  // IP address
  {
    name: "cidr v4",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    event: env({ sourceIPAddress: "10.0.0.255" }),
    match: true,
  },
  {
    name: "cidr v4 outside",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    event: env({ sourceIPAddress: "10.0.1.1" }),
    match: false,
  },
  {
    name: "cidr v6",
    pattern: { detail: { sourceIPAddress: [{ cidr: "bc18:05f4:1b53::/48" }] } },
    event: env({ sourceIPAddress: "bc18:5f4:1b53:0:0:0:0:1" }),
    match: true,
  },
  // Exists
  {
    name: "exists true",
    pattern: { detail: { state: [{ exists: true }] } },
    event: env({ state: "x" }),
    match: true,
  },
  { name: "exists true, missing", pattern: { detail: { state: [{ exists: true }] } }, event: env({}), match: false },
  { name: "exists false, missing", pattern: { detail: { state: [{ exists: false }] } }, event: env({}), match: true },
  {
    name: "exists only works on leaf nodes (object value counts as absent)",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    event: env({ "c-count": { c1: 100 } }),
    match: true,
  },
  {
    name: "exists true and null",
    pattern: { detail: { s: [{ exists: true }] } },
    event: env({ s: null }),
    match: true,
  },
  {
    name: "exists false with a missing detail",
    pattern: { detail: { s: [{ exists: false }] } },
    event: { source: "x" },
    match: true,
  },
  // Wildcard
  {
    name: "wildcard",
    pattern: { detail: { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] } },
    event: env({ EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/default" }),
    match: true,
  },
  {
    name: "wildcard escaped star",
    pattern: { detail: { k: [{ wildcard: "a\\*b" }] } },
    event: env({ k: "a*b" }),
    match: true,
  },
  {
    name: "wildcard escaped star is literal",
    pattern: { detail: { k: [{ wildcard: "a\\*b" }] } },
    event: env({ k: "axxb" }),
    match: false,
  },
  {
    name: "wildcard middle",
    pattern: { detail: { k: [{ wildcard: "dir/*.png" }] } },
    event: env({ k: "dir/a/b.png" }),
    match: true,
  },
  // $or
  {
    name: "$or top level",
    pattern: { $or: [{ source: ["aws.s3"] }, { "detail-type": ["EC2 Instance State-change Notification"] }] },
    event: ec2Event,
    match: true,
  },
  {
    name: "$or none",
    pattern: { $or: [{ source: ["aws.s3"] }, { source: ["aws.sqs"] }] },
    event: ec2Event,
    match: false,
  },
  {
    name: "$or nested (docs: c-count / d-count / x-limit)",
    pattern: {
      source: ["aws.ec2"],
      detail: {
        $or: [
          { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
          { "d-count": [{ numeric: ["<", 10] }] },
          { "x-limit": [{ numeric: ["=", 3.018e2] }] },
        ],
      },
    },
    event: env({ "d-count": 3 }),
    match: true,
  },
  {
    name: "$or nested with sibling fields",
    pattern: { detail: { state: ["a"], $or: [{ x: ["1"] }, { y: ["2"] }] } },
    event: env({ state: "a", y: "3" }),
    match: false,
  },
  {
    name: "$or alternative replaces an earlier list on the same path (AWS's expansion)",
    pattern: { source: ["aws.s3"], $or: [{ source: ["aws.ec2"] }, { region: ["nowhere"] }] },
    event: ec2Event,
    match: true,
  },
  {
    name: "a later list replaces the alternative's list on the same path",
    pattern: { $or: [{ source: ["aws.s3"] }, { region: ["nowhere"] }], source: ["aws.ec2"] },
    event: ec2Event,
    match: true,
  },
  // Matching inside arrays of objects: fields must come from one element
  {
    name: "array of objects, same element",
    pattern: { detail: { items: { id: ["1"], kind: ["book"] } } },
    event: env({
      items: [
        { id: "2", kind: "book" },
        { id: "1", kind: "book" },
      ],
    }),
    match: true,
  },
  {
    name: "array of objects, split across elements",
    pattern: { detail: { items: { id: ["1"], kind: ["book"] } } },
    event: env({
      items: [
        { id: "1", kind: "pen" },
        { id: "2", kind: "book" },
      ],
    }),
    match: false,
  },
  // AWS's matcher names fields by dotted path (event-ruler README, "Compiled rules and JSON keys with dots")
  {
    name: "dotted pattern key matches nested event fields",
    pattern: { detail: { "state.status": ["running"] } },
    event: env({ state: { status: "running" } }),
    match: true,
  },
  {
    name: "nested pattern matches a dotted event key",
    pattern: { detail: { state: { status: ["running"] } } },
    event: env({ "state.status": "running" }),
    match: true,
  },
  {
    name: "dotted keys on both sides",
    pattern: { detail: { "state.status": ["running"] } },
    event: env({ "state.status": "running" }),
    match: true,
  },
  {
    name: "dotted and nested event keys are one field",
    pattern: { detail: { state: { status: ["b"] } } },
    event: env({ "state.status": "a", state: { status: "b" } }),
    match: true,
  },
  { name: "booleans", pattern: { detail: { ok: [true] } }, event: env({ ok: true }), match: true },
  { name: "boolean is not a string", pattern: { detail: { ok: ["true"] } }, event: env({ ok: true }), match: false },
];

describe("matchPattern: documented examples", () => {
  it.each(rows)("$name", ({ pattern, event, match }) => {
    const p = compilePattern(JSON.stringify(pattern));
    expect(matchPattern(p, event)).toBe(match);
    expect(explainMatch(p, event).matched).toBe(match);
  });
});

describe("explainMatch", () => {
  it("gives a reason per field, naming the failing one", () => {
    const p = compilePattern('{"source":["aws.ec2"],"detail":{"state":["running"]}}');
    const { matched, reasons } = explainMatch(p, ec2Event);
    expect(matched).toBe(false);
    expect(reasons).toEqual([
      expect.objectContaining({ path: "source", matched: true, actual: "aws.ec2" }),
      expect.objectContaining({
        path: "detail.state",
        matched: false,
        expected: ["running"],
        actual: "terminated",
        why: '"terminated" does not match any of ["running"]',
      }),
    ]);
  });

  it("says when a field is absent", () => {
    const p = compilePattern('{"detail":{"zone":["a"]}}');
    expect(explainMatch(p, ec2Event).reasons[0].why).toBe("field is absent from the event");
  });

  it("reports every alternative of a failed $or", () => {
    const p = compilePattern('{"$or":[{"source":["a"]},{"source":["b"]}]}');
    const { matched, reasons } = explainMatch(p, ec2Event);
    expect(matched).toBe(false);
    expect(reasons.map((r) => r.path)).toEqual(["$or", "$or[0]:source", "$or[1]:source"]);
  });
});
