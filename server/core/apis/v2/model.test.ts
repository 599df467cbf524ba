import { describe, expect, it } from "vitest";
import { parseRouteKey, preflightHeaders, responseCorsHeaders, selectRoute, type Route } from "./model";

const route = (routeKey: string): Route => ({ routeId: routeKey, routeKey, authorizationType: "NONE" });
const pick = (keys: string[], method: string, path: string) =>
  selectRoute(keys.map(route), method, path === "/" ? [] : path.slice(1).split("/"));

describe("route keys", () => {
  it("accepts AWS's forms and refuses the rest", () => {
    expect(parseRouteKey("GET /orders/{id}")).toEqual({ method: "GET", segments: ["orders", "{id}"] });
    expect(parseRouteKey("ANY /{proxy+}")).toEqual({ method: "ANY", segments: ["{proxy+}"] });
    expect(parseRouteKey("GET /")).toEqual({ method: "GET", segments: [] });
    expect(parseRouteKey("$default").method).toBe("$default");
    for (const bad of ["get /x", "FETCH /x", "GET x", "GET /a//b", "GET /{a+}/b", "GET /a{b}", "GET /{}"])
      expect(() => parseRouteKey(bad), bad).toThrow();
  });
});

describe("route selection", () => {
  const keys = [
    "GET /pets/{id}",
    "GET /pets/dog",
    "ANY /pets/{proxy+}",
    "POST /pets/{id}",
    "ANY /pets/{id}",
    "$default",
  ];
  it("prefers literals, then variables, then greedy variables; a method over ANY; then $default", () => {
    expect(pick(keys, "GET", "/pets/dog")?.route.routeKey).toBe("GET /pets/dog");
    expect(pick(keys, "GET", "/pets/7")).toEqual({ route: route("GET /pets/{id}"), pathParams: { id: "7" } });
    expect(pick(keys, "POST", "/pets/7")?.route.routeKey).toBe("POST /pets/{id}");
    expect(pick(keys, "DELETE", "/pets/7")?.route.routeKey).toBe("ANY /pets/{id}");
    expect(pick(keys, "GET", "/pets/7/toys")).toEqual({
      route: route("ANY /pets/{proxy+}"),
      pathParams: { proxy: "7/toys" },
    });
    expect(pick(keys, "GET", "/cats")?.route.routeKey).toBe("$default");
    expect(pick(keys, "GET", "/pets")?.route.routeKey).toBe("$default");
    expect(pick(["GET /a"], "GET", "/b")).toBeNull();
    expect(pick(["GET /"], "GET", "/")?.route.routeKey).toBe("GET /");
  });
});

describe("CORS", () => {
  const cors = {
    allowOrigins: ["https://app.example"],
    allowMethods: ["GET", "PUT"],
    allowHeaders: ["x-a"],
    exposeHeaders: ["x-b"],
    maxAge: 10,
    allowCredentials: true,
  };
  it("answers an allowed preflight with the configured values", () => {
    expect(preflightHeaders(cors, "https://app.example", "PUT", "X-A")).toEqual({
      "access-control-allow-origin": "https://app.example",
      "access-control-allow-credentials": "true",
      "access-control-allow-methods": "GET,PUT",
      "access-control-allow-headers": "x-a",
      "access-control-expose-headers": "x-b",
      "access-control-max-age": "10",
    });
  });
  it("gives no CORS headers to a foreign origin, method or header", () => {
    expect(preflightHeaders(cors, "https://evil.example", "GET", "")).toEqual({});
    expect(preflightHeaders(cors, "https://app.example", "DELETE", "")).toEqual({});
    expect(preflightHeaders(cors, "https://app.example", "GET", "x-other")).toEqual({});
  });
  it("wildcards allow any origin, method and header", () => {
    const any = { allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"] };
    expect(preflightHeaders(any, "https://x.example", "PATCH", "x-q")).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "PATCH",
      "access-control-allow-headers": "x-q",
    });
    expect(responseCorsHeaders(any, "https://x.example")).toEqual({ "access-control-allow-origin": "*" });
    expect(responseCorsHeaders(any, undefined)).toEqual({});
  });
});
