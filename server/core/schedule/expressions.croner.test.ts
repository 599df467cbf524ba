import fc from "fast-check";
import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { nextFireTimes } from "./expressions";

// A second opinion on the cron walk: for random AWS cron expressions in UTC (no daylight saving
// time, where croner and AWS differ: croner moves a skipped 02:30 to 03:00, AWS skips it), our next
// fire times equal croner's with Quartz weekday numbering.

const range = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);
const plain = (min: number, max: number) =>
  fc.oneof(
    fc.constant("*"),
    fc.integer({ min, max }).map(String),
    range(min, max),
    fc.integer({ min: 1, max: Math.max(1, Math.floor((max - min) / 2)) }).map((s) => `*/${s}`),
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: Math.max(1, Math.floor((max - min) / 2)) }))
      .map(([a, s]) => `${a}/${s}`),
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 4 }).map((xs) => xs.join(",")),
  );
const dayOfMonth = fc.oneof(plain(1, 31), fc.constant("L"));
const dayOfWeek = fc.oneof(
  fc.constant("*"),
  fc.integer({ min: 1, max: 7 }).map(String),
  range(1, 7),
  fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })).map(([d, n]) => `${d}#${n}`),
  fc.integer({ min: 1, max: 7 }).map((d) => `${d}L`),
);
const expression = fc
  .tuple(plain(0, 59), plain(0, 23), fc.boolean(), dayOfMonth, plain(1, 12), dayOfWeek)
  .map(([min, hour, byDom, dom, month, dow]) =>
    byDom ? [min, hour, dom, month, "?", "*"] : [min, hour, "?", month, dow, "*"],
  );
const after = fc.date({
  min: new Date("2024-01-01T00:00:00Z"),
  max: new Date("2030-12-31T00:00:00Z"),
  noInvalidDate: true,
});

describe("cron walk vs croner (UTC)", () => {
  it("agrees on the next five fire times", () => {
    fc.assert(
      fc.property(expression, after, (fields, from) => {
        const ours = nextFireTimes(`cron(${fields.join(" ")})`, { after: from, count: 5 }).map((d) => d.toISOString());
        const [min, hour, dom, month, dow] = fields;
        const cron = new Cron(`0 ${min} ${hour} ${dom} ${month} ${dow === "?" ? "*" : dow}`, {
          timezone: "Etc/UTC",
          alternativeWeekdays: true,
          sloppyRanges: true,
        });
        // croner's nextRuns is exclusive of `from` at second precision.
        const theirs = cron.nextRuns(5, from).map((d) => d.toISOString());
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 300 },
    );
  });
});
