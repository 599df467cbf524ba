import { afterEach, describe, expect, it } from "vitest";
import { executeApiBase, executeApiPath, routeByHost, sentUrlOf } from "./execute-api";

describe("execute-api Host routing", () => {
  afterEach(() => {
    delete process.env.SIGNALBOX_EXECUTE_API_DOMAIN;
  });

  it("does nothing without a domain", () => {
    expect(executeApiPath("abc123.execute-api.api.example.com", "/prod")).toBeNull();
    expect(executeApiBase("http://localhost:3000/", "abc123")).toBe("http://localhost:3000/gw/abc123");
  });

  it("maps <api id>.execute-api.<domain> (any port, any case) to /gw/<api id>/<path>", () => {
    process.env.SIGNALBOX_EXECUTE_API_DOMAIN = "API.example.com";
    expect(executeApiPath("abc123.execute-api.api.example.com", "/prod/items?x=1")).toBe("/gw/abc123/prod/items?x=1");
    expect(executeApiPath("ABC123.Execute-Api.api.example.com:8443", "/")).toBe("/gw/abc123/");
    expect(executeApiPath("api.example.com", "/prod")).toBeNull();
    expect(executeApiPath("a.b.execute-api.api.example.com", "/prod")).toBeNull();
    expect(executeApiPath("abc123.execute-api.other.com", "/prod")).toBeNull();
    expect(executeApiPath(undefined, "/prod")).toBeNull();
  });

  it("builds invoke bases in that form, keeping the public URL's scheme and port", () => {
    process.env.SIGNALBOX_EXECUTE_API_DOMAIN = "api.example.com";
    expect(executeApiBase("https://console.example.com", "abc123")).toBe("https://abc123.execute-api.api.example.com");
    expect(executeApiBase("http://localhost:3000/", "abc123")).toBe("http://abc123.execute-api.api.example.com:3000");
  });

  it("rewrites a request's URL and keeps the one the client signed", () => {
    process.env.SIGNALBOX_EXECUTE_API_DOMAIN = "api.example.com";
    const req = { url: "/prod/@connections/x", headers: { host: "abc123.execute-api.api.example.com" } };
    expect(routeByHost(req)).toBe(true);
    expect(req.url).toBe("/gw/abc123/prod/@connections/x");
    expect(sentUrlOf(req)).toBe("/prod/@connections/x");
    const plain = { url: "/gw/abc123/prod", headers: { host: "localhost:3000" } };
    expect(routeByHost(plain)).toBe(false);
    expect(sentUrlOf(plain)).toBe("/gw/abc123/prod");
  });
});
