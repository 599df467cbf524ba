import { describe, expect, it } from "vitest";
import { SignatureV4, getCanonicalQuery } from "@smithy/signature-v4";
import {
  SIGNATURE_MISMATCH_MESSAGE,
  canonicalQuery,
  clearSigningKeyCache,
  deriveSigningKey,
  parseQuery,
  parseSigV4,
  verifySigV4,
  type SigV4Request,
} from "./index";
import {
  AKID,
  NodeSha256,
  SECRET,
  T0,
  check,
  expectFailure,
  minutes,
  presign,
  request,
  signHeader,
  toWire,
  wireQuery,
  withHeader,
  type Outgoing,
} from "./test-support";

describe("known-answer vectors from the AWS documentation", () => {
  it("derives the documented signing key", () => {
    const key = deriveSigningKey(SECRET, "20120215", "us-east-1", "iam");
    expect(key.toString("hex")).toBe("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  });

  it("verifies the get-vanilla test-suite request", () => {
    const req: SigV4Request = {
      method: "GET",
      path: "/",
      query: "",
      headers: {
        host: "example.amazonaws.com",
        "x-amz-date": "20150830T123600Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
      },
      body: Buffer.alloc(0),
    };
    expect(check(req, new Date("2015-08-30T12:40:00Z"))).toEqual({ ok: true });
    expect(check(req, new Date("2015-08-30T12:40:00Z"), SECRET.replace("K7", "K8")).ok).toBe(false);
  });

  it("verifies the IAM ListUsers example (query string, content-type)", () => {
    const req: SigV4Request = {
      method: "GET",
      path: "/",
      query: "Action=ListUsers&Version=2010-05-08",
      headers: {
        host: "iam.amazonaws.com",
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "x-amz-date": "20150830T123600Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
      },
      body: Buffer.alloc(0),
    };
    expect(check(req, new Date("2015-08-30T12:36:00Z"))).toEqual({ ok: true });
  });
});

describe("canonical query matches @smithy/signature-v4", () => {
  const cases: Array<Record<string, string | string[]>> = [
    { Action: "SendMessage", MessageBody: 'hello world & more = {"a": [1, 2]} ~!*\'()' },
    { b: "2", a: "1", "a-b": "3", A: "0" },
    { multi: ["z", "a", "m"], "weird key/+": "ümlaut + plus", empty: "" },
    { "X-Amz-Signature": "ignored", keep: "yes" },
  ];
  it.each(cases)("case %#", (query) => {
    expect(canonicalQuery(parseQuery(wireQuery(query)))).toBe(getCanonicalQuery({ query } as never));
  });

  it("treats a bare key as an empty value and keeps '+' literal", () => {
    expect(canonicalQuery(parseQuery("uploads&a=b+c"))).toBe("a=b%2Bc&uploads=");
  });
});

describe("header form signed by @smithy/signature-v4", () => {
  it("accepts a GET without body, with an awkward path and query", async () => {
    const req = await signHeader(
      request({
        method: "GET",
        path: "/000000000000/my%20queue/./x/../a%2Fb:c@d/",
        query: { z: "last", a: ["2", "1"], "sp ace": "v w!*" },
      }),
    );
    expect(check(req)).toEqual({ ok: true });
  });

  it("accepts a POST with a body and reports the parsed scope", async () => {
    const req = await signHeader(request({ body: "Action=SendMessage&MessageBody=h%C3%A9llo" }), {
      region: "moon-central-7",
      service: "sns",
    });
    const parsed = parseSigV4(req);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.auth).toMatchObject({
      accessKeyId: AKID,
      date: "20240101",
      region: "moon-central-7",
      service: "sns",
      presigned: false,
      amzDate: "20240101T000000Z",
    });
    expect(parsed.auth.signedHeaders).toContain("x-amz-content-sha256");
    expect(verifySigV4(req, parsed.auth, SECRET, T0)).toEqual({ ok: true });
  });

  it("accepts a body signed without x-amz-content-sha256 (hash computed from the body)", async () => {
    const s = new SignatureV4({
      service: "sqs",
      region: "us-east-1",
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      sha256: NodeSha256,
      applyChecksum: false,
    });
    const req = toWire(
      (await s.sign(request({ body: "payload" }) as never, { signingDate: T0 })) as unknown as Outgoing,
    );
    expect(req.headers["x-amz-content-sha256"]).toBeUndefined();
    expect(check(req)).toEqual({ ok: true });
    expectFailure(check({ ...req, body: Buffer.from("payloaD") }), "SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);
  });

  it("accepts UNSIGNED-PAYLOAD, whose body is deliberately not covered", async () => {
    const req = await signHeader(
      request({ body: "original", headers: { host: "localhost:4566", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }),
    );
    expect(req.headers["x-amz-content-sha256"]).toBe("UNSIGNED-PAYLOAD");
    expect(check(req)).toEqual({ ok: true });
    expect(check({ ...req, body: Buffer.from("replaced") })).toEqual({ ok: true });
  });

  it("rejects a body that does not match a signed x-amz-content-sha256", async () => {
    const req = await signHeader(request({ body: "original" }));
    expectFailure(
      check({ ...req, body: Buffer.from("tampered") }),
      "SignatureDoesNotMatch",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });

  it("rejects streaming payload hashes it cannot check", async () => {
    const req = await signHeader(
      request({
        body: "x",
        headers: { host: "localhost:4566", "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" },
      }),
    );
    expectFailure(check(req), "IncompleteSignature", /x-amz-content-sha256 must be/);
  });

  it("exposes the session token and verifies it as a signed header", async () => {
    const req = await signHeader(request({ body: "a=1" }), { sessionToken: "tok/en+=" });
    const parsed = parseSigV4(req);
    expect(parsed.ok && parsed.auth.sessionToken).toBe("tok/en+=");
    expect(check(req)).toEqual({ ok: true });
    expectFailure(check(withHeader(req, "x-amz-security-token", "other")), "SignatureDoesNotMatch");
  });

  it("canonicalises header whitespace and joins repeated headers with ','", async () => {
    const req = await signHeader(
      request({ headers: { host: "localhost:4566", "x-custom": "  a   b\t\tc  ", "x-multi": "one,two" } }),
    );
    expect(check(withHeader(req, "x-custom", "a b c"))).toEqual({ ok: true });
    expect(check({ ...req, headers: { ...req.headers, "x-multi": ["one", "two"] } })).toEqual({ ok: true });
    expect(check(withHeader(req, "x-custom", "a b  d")).ok).toBe(false);
  });

  it("ignores changes to headers that were not signed", async () => {
    const req = await signHeader(request({ headers: { host: "localhost:4566", "user-agent": "sdk/1" } }));
    expect(
      parseSigV4(req).ok && (parseSigV4(req) as { auth: { signedHeaders: string[] } }).auth.signedHeaders,
    ).not.toContain("user-agent");
    expect(check(withHeader(req, "user-agent", "curl/8"))).toEqual({ ok: true });
  });
});

describe("presigned query form", () => {
  it("accepts a presigned GET within its lifetime and rejects it after", async () => {
    const req = await presign(
      request({
        method: "GET",
        query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
        headers: { host: "localhost:4566" },
      }),
      300,
      { service: "sts" },
    );
    expect(req.headers.authorization).toBeUndefined();
    expect(req.query).toContain("X-Amz-Signature=");
    const parsed = parseSigV4(req);
    expect(parsed.ok && parsed.auth).toMatchObject({
      presigned: true,
      expiresSeconds: 300,
      service: "sts",
      signedHeaders: ["host"],
    });
    expect(check(req, new Date(T0.getTime() + 299_000))).toEqual({ ok: true });
    expect(check(req, new Date(T0.getTime() + 300_000))).toEqual({ ok: true });
    expectFailure(check(req, new Date(T0.getTime() + 301_000)), "RequestExpired", "Request has expired");
  });

  it("rejects a presigned request dated more than 15 minutes in the future", async () => {
    const req = await presign(request({ method: "GET" }), 3600, {}, minutes(16));
    expectFailure(
      check(req, T0),
      "RequestExpired",
      /^Signature not yet current: 20240101T001600Z is still later than 20240101T001500Z/,
    );
  });

  it("accepts a presigned POST with body and rejects a modified body", async () => {
    const req = await presign(request({ body: "Action=Publish&Message=hi" }), 60, { service: "sns" });
    expect(check(req)).toEqual({ ok: true });
    expectFailure(check({ ...req, body: Buffer.from("Action=Publish&Message=ho") }), "SignatureDoesNotMatch");
  });

  it("reads a hoisted X-Amz-Content-Sha256=UNSIGNED-PAYLOAD from the query", async () => {
    const req = await presign(
      request({
        method: "PUT",
        body: "blob",
        headers: { host: "localhost:4566", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      }),
    );
    expect(req.query).toMatch(/x-amz-content-sha256=UNSIGNED-PAYLOAD/i);
    expect(check({ ...req, body: Buffer.from("other blob") })).toEqual({ ok: true });
  });

  it("rejects a modified query parameter", async () => {
    const req = await presign(request({ method: "GET", query: { Action: "GetCallerIdentity" } }));
    expectFailure(
      check({ ...req, query: req.query.replace("GetCallerIdentity", "GetSessionToken") }),
      "SignatureDoesNotMatch",
    );
    expectFailure(check({ ...req, query: `${req.query}&extra=1` }), "SignatureDoesNotMatch");
  });

  it("validates X-Amz-Expires and required parameters", async () => {
    const req = await presign(request({ method: "GET" }));
    expectFailure(
      check({ ...req, query: req.query.replace("X-Amz-Expires=300", "X-Amz-Expires=604801") }),
      "IncompleteSignature",
      /less than a week/,
    );
    expectFailure(
      check({ ...req, query: req.query.replace("X-Amz-Expires=300", "X-Amz-Expires=soon") }),
      "IncompleteSignature",
      "X-Amz-Expires should be a number",
    );
    const noCred = req.query
      .split("&")
      .filter((p) => !p.startsWith("X-Amz-Credential="))
      .join("&");
    expectFailure(
      check({ ...req, query: noCred }),
      "IncompleteSignature",
      "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters.",
    );
  });

  it("refuses both an Authorization header and query authentication", async () => {
    const req = await presign(request({ method: "GET" }));
    expectFailure(
      check(withHeader(req, "authorization", "AWS4-HMAC-SHA256 Credential=x")),
      "IncompleteSignature",
      /^Only one auth mechanism allowed/,
    );
  });
});

describe("rejections", () => {
  it("wrong secret", async () => {
    const req = await signHeader(request({ body: "a=1" }));
    expectFailure(check(req, T0, `${SECRET}x`), "SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);
  });

  it("clock skew beyond 15 minutes in the past, with AWS's message", async () => {
    const req = await signHeader(request(), {}, T0);
    expect(check(req, minutes(15))).toEqual({ ok: true });
    const result = check(req, minutes(20));
    expectFailure(
      result,
      "RequestExpired",
      "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T002000Z - 15 min.)",
    );
    expect(!result.ok && result.status).toBe(400);
  });

  it("clock skew beyond 15 minutes in the future, with AWS's message", async () => {
    const req = await signHeader(request(), {}, minutes(16));
    expect(check(req, minutes(1))).toEqual({ ok: true });
    expectFailure(
      check(req, T0),
      "RequestExpired",
      "Signature not yet current: 20240101T001600Z is still later than 20240101T001500Z (20240101T000000Z + 15 min.)",
    );
  });

  it("a modified signed header, path, method or query", async () => {
    const req = await signHeader(
      request({
        path: "/000000000000/q",
        query: { Action: "SendMessage" },
        headers: { host: "localhost:4566", "x-amz-target": "A.B" },
      }),
    );
    expect(check(req)).toEqual({ ok: true });
    expectFailure(check(withHeader(req, "x-amz-target", "A.C")), "SignatureDoesNotMatch");
    expectFailure(check(withHeader(req, "host", "evil:4566")), "SignatureDoesNotMatch");
    expectFailure(check({ ...req, path: "/000000000000/r" }), "SignatureDoesNotMatch");
    expectFailure(check({ ...req, method: "PUT" }), "SignatureDoesNotMatch");
    expectFailure(check({ ...req, query: "Action=DeleteQueue" }), "SignatureDoesNotMatch");
    const { "x-amz-target": _dropped, ...rest } = req.headers;
    expectFailure(check({ ...req, headers: rest }), "SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);
  });

  it("a tampered or malformed signature without throwing", async () => {
    const req = await signHeader(request());
    const auth = req.headers.authorization as string;
    const sig = auth.slice(-64);
    const flipped = `${sig.slice(0, 63)}${sig.endsWith("0") ? "1" : "0"}`;
    expectFailure(check(withHeader(req, "authorization", auth.replace(sig, flipped))), "SignatureDoesNotMatch");
    expectFailure(
      check(withHeader(req, "authorization", auth.replace(sig, sig.toUpperCase()))),
      "SignatureDoesNotMatch",
    );
    expectFailure(check(withHeader(req, "authorization", auth.replace(sig, "abc"))), "SignatureDoesNotMatch");
    expectFailure(check(withHeader(req, "authorization", auth.replace(sig, "é".repeat(32)))), "SignatureDoesNotMatch");
  });

  it("missing authentication", () => {
    const result = check({
      method: "GET",
      path: "/",
      query: "Action=ListQueues",
      headers: { host: "x" },
      body: Buffer.alloc(0),
    });
    expectFailure(result, "MissingAuthenticationToken", "Request is missing Authentication Token");
    expect(!result.ok && result.status).toBe(403);
  });

  it("malformed Authorization headers", async () => {
    const req = await signHeader(request());
    const auth = req.headers.authorization as string;
    const set = (value: string) => check(withHeader(req, "authorization", value));
    expectFailure(
      set(auth.replace(`${AKID}/20240101/`, `${AKID}/`)),
      "IncompleteSignature",
      /^Credential must have exactly 5 slash-delimited elements/,
    );
    expectFailure(
      set(auth.replace("aws4_request", "aws5_request")),
      "SignatureDoesNotMatch",
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
    );
    expectFailure(
      set(auth.replace("/20240101/", "/20231231/")),
      "SignatureDoesNotMatch",
      /^Date in Credential scope does not match YYYYMMDD/,
    );
    expectFailure(
      set(
        auth.replace("SignedHeaders=", "SignedHeaders=x;").replace(/SignedHeaders=[^,]*/, "SignedHeaders=x-amz-date"),
      ),
      "SignatureDoesNotMatch",
      /'Host' or ':authority' must be a 'SignedHeader'/,
    );
    expectFailure(
      set(auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")),
      "IncompleteSignature",
      /^Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'/,
    );
    expectFailure(set("Basic dXNlcjpwYXNz"), "IncompleteSignature", /'dXNlcjpwYXNz' not a valid key=value pair/);
    expectFailure(
      set("AWS4-HMAC-SHA256 SignedHeaders=host"),
      "IncompleteSignature",
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter.",
    );
    const noDate = { ...req, headers: { ...req.headers } };
    delete noDate.headers["x-amz-date"];
    expectFailure(
      check(noDate),
      "IncompleteSignature",
      /requires existence of either a 'X-Amz-Date' or a 'Date' header/,
    );
    expectFailure(
      check(withHeader(req, "x-amz-date", "2024-01-01T00:00:00Z")),
      "IncompleteSignature",
      /^Date must be in ISO-8601 'basic format'/,
    );
    expectFailure(
      check(withHeader(req, "x-amz-date", "20240231T000000Z")),
      "IncompleteSignature",
      /^Date must be in ISO-8601 'basic format'/,
    );
  });
});

describe("signing key cache", () => {
  it("reuses the derived key per (secret, date, region, service) and keys them apart", () => {
    clearSigningKeyCache();
    const a = deriveSigningKey(SECRET, "20240101", "us-east-1", "sqs");
    expect(deriveSigningKey(SECRET, "20240101", "us-east-1", "sqs")).toBe(a);
    expect(deriveSigningKey(SECRET, "20240101", "us-east-1", "sns").equals(a)).toBe(false);
    expect(deriveSigningKey(`${SECRET}2`, "20240101", "us-east-1", "sqs").equals(a)).toBe(false);
    // Separator confusion between region and service must not collide.
    expect(
      deriveSigningKey(SECRET, "20240101", "a/b", "c").equals(deriveSigningKey(SECRET, "20240101", "a", "b/c")),
    ).toBe(false);
    clearSigningKeyCache();
    const b = deriveSigningKey(SECRET, "20240101", "us-east-1", "sqs");
    expect(b).not.toBe(a);
    expect(b.equals(a)).toBe(true);
  });
});
