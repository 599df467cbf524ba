import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringMatches } from "./choice";
import { evaluateIntrinsic, parseIntrinsic } from "./intrinsics";
import { queryPath } from "./jsonpath";
import { applyResultPath } from "./payload";
import type { Json } from "./types";

const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const json = fc.jsonValue() as fc.Arbitrary<Json>;

describe("properties", () => {
  it("ResultPath writes exactly where the same reference path reads, and leaves the input alone", () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, json),
        fc.array(key, { minLength: 1, maxLength: 4 }),
        json,
        (input, keys, result) => {
          const path = "$." + keys.join(".");
          const before = JSON.stringify(input);
          let merged: Json;
          try {
            merged = applyResultPath(path, input, result);
          } catch {
            return; // an intermediate value that is not an object: States.Runtime, as on AWS
          }
          expect(queryPath(path, merged)).toEqual({ found: true, value: result });
          expect(JSON.stringify(input)).toBe(before);
        },
      ),
    );
  });

  it("a StringMatches pattern with every special character escaped matches only its own text", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, other) => {
        const pattern = text.replace(/[\\*]/g, "\\$&");
        expect(stringMatches(text, pattern)).toBe(true);
        if (other !== text) expect(stringMatches(other, pattern)).toBe(false);
      }),
    );
  });

  it("States.StringToJson(States.JsonToString(x)) is x", () => {
    fc.assert(
      fc.property(json, (value) => {
        const call = parseIntrinsic("States.StringToJson(States.JsonToString($.v))");
        const out = evaluateIntrinsic(call, { resolvePath: () => value });
        expect(out).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("a quoted literal survives the intrinsic parser, whatever it contains", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const quoted = text.replace(/[\\']/g, "\\$&").replace(/[{}]/g, "\\$&");
        const out = evaluateIntrinsic(parseIntrinsic(`States.Array('${quoted}')`), { resolvePath: () => null });
        expect(out).toEqual([text]);
      }),
    );
  });
});
