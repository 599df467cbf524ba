import { describe, expect, it } from "vitest";
import { selectRouteKey } from "./websocket";

// Route selection as API Gateway documents it: the expression's member of a JSON message, nested
// paths and the ${...} form included; anything that selects nothing goes to $default (null here).
describe("selectRouteKey", () => {
  it("reads the member the expression names", () => {
    expect(selectRouteKey("$request.body.action", '{"action":"join","room":1}')).toBe("join");
    expect(selectRouteKey("${request.body.action}", '{"action":"join"}')).toBe("join");
    expect(selectRouteKey("$request.body.msg.type", '{"msg":{"type":"chat"}}')).toBe("chat");
    expect(selectRouteKey("$request.body.n", '{"n":7}')).toBe("7");
  });

  it("selects nothing for non-JSON text, a missing member or an object value", () => {
    expect(selectRouteKey("$request.body.action", "hello")).toBeNull();
    expect(selectRouteKey("$request.body.action", '{"other":1}')).toBeNull();
    expect(selectRouteKey("$request.body.action", '{"action":{"x":1}}')).toBeNull();
    expect(selectRouteKey("$request.body.action", "[1,2]")).toBeNull();
  });
});
