import { describe, expect, it } from "vitest";
import { mapValue, response2 } from "./http-api";

describe("payload 2.0 responses", () => {
  it("maps a full response with cookies and base64 bodies", () => {
    const r = response2(
      JSON.stringify({
        statusCode: 418,
        headers: { "X-A": "1" },
        cookies: ["a=1"],
        body: Buffer.from("hi").toString("base64"),
        isBase64Encoded: true,
      }),
    )!;
    expect(r.status).toBe(418);
    expect(r.headers).toEqual({ "x-a": "1", "set-cookie": ["a=1"], "content-type": "application/json" });
    expect(r.body.toString()).toBe("hi");
  });
  it("turns a bare value into a 200 JSON answer, a string into its text", () => {
    expect(response2('{"a":1}')).toMatchObject({ status: 200, headers: { "content-type": "application/json" } });
    expect(response2('{"a":1}')!.body.toString()).toBe('{"a":1}');
    expect(response2('"hello"')!.body.toString()).toBe("hello");
    expect(response2("[1,2]")!.body.toString()).toBe("[1,2]");
  });
  it("refuses a bad status code or a non-string body", () => {
    expect(response2('{"statusCode":99}')).toBeNull();
    expect(response2('{"statusCode":200,"body":{"x":1}}')).toBeNull();
    expect(response2("not json")).toBeNull();
  });
});

describe("parameter mapping values", () => {
  const scope = {
    req: {
      method: "GET",
      rawPath: "/a/b",
      path: "/a/b",
      rawQuery: "q=1&q=2",
      headers: {},
      lowerHeaders: { "x-in": "v" },
      multiHeaders: {},
      query: { q: "2" },
      multiQuery: { q: ["1", "2"] },
      body: Buffer.from('{"user":{"id":7}}'),
      sourceIp: "",
      protocol: "HTTP/1.1",
      started: new Date(),
      requestId: "r",
    },
    pathParams: { id: "9" },
    context: { requestId: "r1", authorizer: { jwt: { claims: { sub: "u" } } } },
    stageVariables: { env: "prod" },
  };
  it("evaluates AWS's expressions alone and inside text", () => {
    expect(mapValue("$request.header.X-In", scope)).toBe("v");
    expect(mapValue("$request.querystring.q", scope)).toBe("1,2");
    expect(mapValue("$request.path.id", scope)).toBe("9");
    expect(mapValue("$request.path", scope)).toBe("/a/b");
    expect(mapValue("$request.body.user.id", scope)).toBe("7");
    expect(mapValue("$context.authorizer.jwt.claims.sub", scope)).toBe("u");
    expect(mapValue("$stageVariables.env", scope)).toBe("prod");
    expect(mapValue("static", scope)).toBe("static");
    expect(mapValue("/users/${request.path.id}/x", scope)).toBe("/users/9/x");
    expect(mapValue("$request.header.missing", scope)).toBeUndefined();
  });
});
