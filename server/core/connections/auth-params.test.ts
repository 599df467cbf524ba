import { describe, expect, it } from "vitest";
import {
  buildApiDestinationRequest,
  buildTokenRequest,
  checkAuthParameters,
  classifyApiDestinationStatus,
  mergeAuthParameters,
  publicAuthParameters,
  resolveParameter,
} from "./auth-params";

describe("connection auth parameters", () => {
  it("fit the authorization type", () => {
    expect(checkAuthParameters("API_KEY", { ApiKeyAuthParameters: { ApiKeyName: "k", ApiKeyValue: "v" } })).toBeNull();
    expect(checkAuthParameters("API_KEY", { BasicAuthParameters: { Username: "u", Password: "p" } })?.field).toBe(
      "BasicAuthParameters",
    );
    expect(checkAuthParameters("BASIC", {})?.message).toBe(
      "BasicAuthParameters must be specified for authorization type BASIC.",
    );
    expect(
      checkAuthParameters("OAUTH_CLIENT_CREDENTIALS", {
        OAuthParameters: {
          ClientParameters: { ClientID: "c", ClientSecret: "s" },
          AuthorizationEndpoint: "https://auth.example.com/token",
          HttpMethod: "DELETE",
        },
      })?.message,
    ).toContain("GET, POST, PUT");
  });

  it("show no secret", () => {
    const shown = publicAuthParameters({
      OAuthParameters: {
        ClientParameters: { ClientID: "id", ClientSecret: "secret" },
        AuthorizationEndpoint: "https://a/t",
        HttpMethod: "POST",
        OAuthHttpParameters: { BodyParameters: [{ Key: "k", Value: "hidden", IsValueSecret: true }] },
      },
    });
    expect(JSON.stringify(shown)).not.toContain('secret"');
    expect(JSON.stringify(shown)).not.toContain("hidden");
    expect(shown).toMatchObject({ OAuthParameters: { ClientParameters: { ClientID: "id" } } });
  });

  it("merge an update over the stored credentials", () => {
    expect(
      mergeAuthParameters(
        { BasicAuthParameters: { Username: "u", Password: "p" } },
        { BasicAuthParameters: { Username: "v" } },
      ),
    ).toEqual({ BasicAuthParameters: { Username: "v", Password: "p" } });
  });
});

describe("API destination requests", () => {
  const auth = { ApiKeyAuthParameters: { ApiKeyName: "X-Key", ApiKeyValue: "v" } };
  it("fill * path parameters in order (JSON paths read the event) and apply the key", () => {
    const r = buildApiDestinationRequest({
      endpoint: "https://api.example.com/orders/*/lines/*",
      method: "POST",
      payload: '{"detail":{"id":"o 1"}}',
      target: { PathParameterValues: ["$.detail.id", "2"], QueryStringParameters: { q: "$.detail.id" } },
      auth,
      authType: "API_KEY",
    });
    expect(r.ok && r.request.url).toBe("https://api.example.com/orders/o%201/lines/2?q=o+1");
    expect(r.ok && r.request.headers["x-key"]).toBe("v");
  });

  it("refuse a path parameter count that does not fit", () => {
    const r = buildApiDestinationRequest({
      endpoint: "https://api.example.com/*",
      method: "GET",
      payload: "{}",
      auth,
      authType: "API_KEY",
    });
    expect(r.ok).toBe(false);
  });

  it("classify as AWS documents", () => {
    expect([200, 204, 301, 400, 401, 403, 404, 407, 409, 429, 500, 503].map(classifyApiDestinationStatus)).toEqual([
      "success",
      "success",
      "permanent",
      "permanent",
      "retryable",
      "permanent",
      "permanent",
      "retryable",
      "retryable",
      "retryable",
      "retryable",
      "retryable",
    ]);
  });

  it("resolve JSON paths", () => {
    expect(resolveParameter("$.detail.n", { detail: { n: 3 } })).toBe("3");
    expect(resolveParameter("$.missing.x", { detail: {} })).toBe("");
    expect(resolveParameter("plain", {})).toBe("plain");
  });

  it("ask for a client-credentials token with Basic auth", () => {
    const r = buildTokenRequest({
      ClientParameters: { ClientID: "id", ClientSecret: "s" },
      AuthorizationEndpoint: "https://auth.example.com/token",
      HttpMethod: "GET",
    });
    expect(r.url).toBe("https://auth.example.com/token?grant_type=client_credentials");
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from("id:s").toString("base64")}`);
  });
});
