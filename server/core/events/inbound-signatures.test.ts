import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { verifyInbound, type InboundConfig, type InboundRequest } from "./inbound-signatures";

// Provider test vectors:
// - GitHub's documented example (docs "Validating webhook deliveries"): secret "It's a Secret to
//   Everybody", payload "Hello, World!" → sha256=757107ea…3e17.
// - Standard Webhooks' reference test vector (standardwebhooks/libraries): secret
//   whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, id msg_p5jXN8AQM9LWM0D4loKWxJek, timestamp 1614265330,
//   payload {"test": 2432232314} → v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=; plus the
//   `standardwebhooks` package signing fresh requests.
// - Stripe's documented scheme (HMAC-SHA256 hex of `${t}.${payload}` with the whsec_ secret as
//   text), vector computed independently with Python's hmac module.

const at = (seconds: number) => new Date(seconds * 1000);
const req = (headers: Record<string, string>, body: string, now: Date): InboundRequest => ({
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  body: Buffer.from(body),
  now,
});

const SW: InboundConfig = { kind: "standard-webhooks", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] };
const SW_BODY = '{"test": 2432232314}';
const SW_HEADERS = {
  "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
  "webhook-timestamp": "1614265330",
  "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const GH: InboundConfig = { kind: "github", secrets: ["It's a Secret to Everybody"] };
const GH_HEADERS = {
  "X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
  "X-GitHub-Event": "push",
  "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
};

const ST: InboundConfig = { kind: "stripe", secrets: ["whsec_test_secret"] };
const ST_BODY = '{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}';
const ST_SIG = "67da5088c63e080c71bd2bb0cb5c03d85a8fc6a21ce3aaf484df809654745b92";

describe("verifyInbound: accepted", () => {
  it("Standard Webhooks reference vector, with the payload's type (none here: Webhook)", () => {
    expect(verifyInbound(SW, req(SW_HEADERS, SW_BODY, at(1614265330 + 60)))).toEqual({
      ok: true,
      deliveryId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      detailType: "Webhook",
      detail: { test: 2432232314 },
    });
  });

  it("Standard Webhooks as the standardwebhooks package signs, several signatures, type from the payload", () => {
    const secret = "whsec_" + Buffer.from("another secret of 24 bytes").toString("base64");
    const body = JSON.stringify({ type: "invoice.paid", data: { n: 1 } });
    const now = new Date();
    const sig = new Webhook(secret).sign("msg_1", now, body);
    const r = verifyInbound(
      { kind: "standard-webhooks", secrets: [secret] },
      req(
        {
          "webhook-id": "msg_1",
          "webhook-timestamp": String(Math.floor(+now / 1000)),
          "webhook-signature": `v1,bm90IHRoaXM= ${sig}`,
        },
        body,
        now,
      ),
    );
    expect(r).toMatchObject({ ok: true, deliveryId: "msg_1", detailType: "invoice.paid", detail: { data: { n: 1 } } });
  });

  it("GitHub's documented example (no timestamp: any time is fine)", () => {
    // GitHub's example payload is not JSON; its signature is what is checked first.
    const r = verifyInbound(GH, req(GH_HEADERS, "Hello, World!", at(0)));
    expect(r).toEqual({ ok: false, reason: "bad-body", message: "The body is not JSON." });
  });

  it("GitHub JSON and form-encoded payloads, event name as detail-type", () => {
    const body = '{"zen":"Design for failure."}';
    const sig = (b: string) => "sha256=" + createHmac("sha256", GH.secrets[0]!).update(b).digest("hex");
    expect(verifyInbound(GH, req({ ...GH_HEADERS, "X-Hub-Signature-256": sig(body) }, body, new Date()))).toEqual({
      ok: true,
      deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      detailType: "push",
      detail: { zen: "Design for failure." },
    });
    const form = "payload=" + encodeURIComponent(body);
    expect(
      verifyInbound(
        GH,
        req(
          { ...GH_HEADERS, "X-Hub-Signature-256": sig(form), "content-type": "application/x-www-form-urlencoded" },
          form,
          new Date(),
        ),
      ),
    ).toMatchObject({ ok: true, detail: { zen: "Design for failure." } });
  });

  it("Stripe, with the event's id as delivery id and its type as detail-type; any of several v1", () => {
    const h = { "Stripe-Signature": `t=1700000000,v1=${"0".repeat(64)},v1=${ST_SIG},v0=abc` };
    expect(verifyInbound(ST, req(h, ST_BODY, at(1700000000 - 299)))).toEqual({
      ok: true,
      deliveryId: "evt_1",
      detailType: "payment_intent.succeeded",
      detail: { id: "evt_1", object: "event", type: "payment_intent.succeeded" },
    });
  });

  it("a shared token in its header, or as a Bearer token in Authorization", () => {
    const body = '{"a":1}';
    expect(
      verifyInbound(
        { kind: "token", secrets: ["tok"] },
        req({ "X-Signalbox-Token": "tok", "Idempotency-Key": "k1" }, body, at(0)),
      ),
    ).toEqual({ ok: true, deliveryId: "k1", detailType: "Webhook", detail: { a: 1 } });
    expect(
      verifyInbound(
        { kind: "token", secrets: ["tok"], tokenHeader: "Authorization" },
        req({ Authorization: "Bearer tok" }, body, at(0)),
      ),
    ).toMatchObject({ ok: true, deliveryId: null });
  });
});

describe("verifyInbound: rotation overlap", () => {
  it("accepts a request signed with any of the source's current secrets", () => {
    const both: InboundConfig = { kind: "github", secrets: ["new secret", GH.secrets[0]!] };
    expect(verifyInbound(both, req(GH_HEADERS, "Hello, World!", at(0)))).toMatchObject({ reason: "bad-body" });
    const st: InboundConfig = { kind: "stripe", secrets: ["whsec_new", "whsec_test_secret"] };
    expect(
      verifyInbound(st, req({ "Stripe-Signature": `t=1700000000,v1=${ST_SIG}` }, ST_BODY, at(1700000000))),
    ).toMatchObject({ ok: true });
    const sw: InboundConfig = {
      kind: "standard-webhooks",
      secrets: ["whsec_" + Buffer.from("n".repeat(24)).toString("base64"), SW.secrets[0]!],
    };
    expect(verifyInbound(sw, req(SW_HEADERS, SW_BODY, at(1614265330)))).toMatchObject({ ok: true });
    expect(
      verifyInbound({ kind: "token", secrets: ["a", "b"] }, req({ "X-Signalbox-Token": "b" }, "{}", at(0))),
    ).toMatchObject({
      ok: true,
    });
  });
});

describe("verifyInbound: refused", () => {
  it.each<[string, InboundConfig, Record<string, string>, string, Date, string]>([
    ["SW: body changed", SW, SW_HEADERS, '{"test": 2432232315}', at(1614265330), "bad-signature"],
    [
      "SW: other secret",
      { ...SW, secrets: ["whsec_" + Buffer.from("x".repeat(24)).toString("base64")] },
      SW_HEADERS,
      SW_BODY,
      at(1614265330),
      "bad-signature",
    ],
    ["SW: 301 s late", SW, SW_HEADERS, SW_BODY, at(1614265330 + 301), "stale"],
    ["SW: 301 s early", SW, SW_HEADERS, SW_BODY, at(1614265330 - 301), "stale"],
    [
      "SW: no signature",
      SW,
      { "webhook-id": "m", "webhook-timestamp": "1614265330" },
      SW_BODY,
      at(1614265330),
      "missing-signature",
    ],
    [
      "SW: timestamp not a number",
      SW,
      { ...SW_HEADERS, "webhook-timestamp": "soon" },
      SW_BODY,
      at(1614265330),
      "missing-signature",
    ],
    ["GH: body changed", GH, GH_HEADERS, "Hello, World?", at(0), "bad-signature"],
    ["GH: sha1 header only", GH, { "X-Hub-Signature": "sha1=abc" }, "Hello, World!", at(0), "missing-signature"],
    [
      "Stripe: body changed",
      ST,
      { "Stripe-Signature": `t=1700000000,v1=${ST_SIG}` },
      ST_BODY + " ",
      at(1700000000),
      "bad-signature",
    ],
    [
      "Stripe: timestamp changed",
      ST,
      { "Stripe-Signature": `t=1700000001,v1=${ST_SIG}` },
      ST_BODY,
      at(1700000000),
      "bad-signature",
    ],
    ["Stripe: stale", ST, { "Stripe-Signature": `t=1700000000,v1=${ST_SIG}` }, ST_BODY, at(1700000000 + 301), "stale"],
    ["Stripe: no v1", ST, { "Stripe-Signature": "t=1700000000,v0=abc" }, ST_BODY, at(1700000000), "missing-signature"],
    [
      "token: wrong",
      { kind: "token", secrets: ["tok"] },
      { "X-Signalbox-Token": "tok2" },
      "{}",
      at(0),
      "bad-signature",
    ],
    ["token: missing", { kind: "token", secrets: ["tok"] }, {}, "{}", at(0), "missing-signature"],
  ])("%s", (_name, cfg, headers, body, now, reason) => {
    expect(verifyInbound(cfg, req(headers, body, now))).toMatchObject({ ok: false, reason });
  });

  it("a signed body that is not a JSON object", () => {
    expect(verifyInbound({ kind: "token", secrets: ["t"] }, req({ "X-Signalbox-Token": "t" }, "[1,2]", at(0)))).toEqual(
      {
        ok: false,
        reason: "bad-body",
        message: "The body must be a JSON object.",
      },
    );
  });
});
