import { createHmac, timingSafeEqual } from "node:crypto";

// Verifying what SaaS apps send to an event source's ingest URL (pure: no I/O, the clock is passed
// in). Each kind is a provider's documented scheme:
// - Standard Webhooks (https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
//   webhook-signature "v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)>" (space-separated
//   when several), the key being the base64 after "whsec_".
// - GitHub: X-Hub-Signature-256 "sha256=<hex HMAC-SHA256(secret, body)>", X-GitHub-Event,
//   X-GitHub-Delivery. GitHub signs no timestamp, so only replays (by delivery id) are refused.
// - Stripe: Stripe-Signature "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>" (more
//   than one v1 while a secret is rolled); the secret "whsec_…" is used as given, as text.
// - token: a shared secret in a header (Authorization may carry it as "Bearer <token>").
// A request becomes one event: its detail-type from the provider, its JSON body as the detail.

export const INBOUND_KINDS = ["standard-webhooks", "github", "stripe", "token"] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

/** How old (or how far in the future) a signed timestamp may be: Stripe's and Svix's default. */
export const TOLERANCE_SECONDS = 300;
/** EventBridge's limit on DetailType. */
const MAX_DETAIL_TYPE = 128;
export const DEFAULT_TOKEN_HEADER = "X-Signalbox-Token";

/** `secrets`: the current secret, plus the previous one during a rotation overlap; any may match. */
export type InboundConfig = { kind: InboundKind; secrets: string[]; tokenHeader?: string | null };

export type InboundRequest = {
  /** Node's IncomingHttpHeaders: names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  now: Date;
};

export type Verified = {
  ok: true;
  /** The sender's id for this delivery (a second request with it is a replay), when the scheme has one. */
  deliveryId: string | null;
  detailType: string;
  detail: Record<string, unknown>;
};

export type RefusalReason = "missing-signature" | "bad-signature" | "stale" | "bad-body";
export type Refused = { ok: false; reason: RefusalReason; message: string };

function header(req: InboundRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function refuse(reason: RefusalReason, message: string): Refused {
  return { ok: false, reason, message };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const hmac = (key: string | Buffer, data: Buffer | string) => createHmac("sha256", key).update(data);

function checkTime(seconds: string | undefined, now: Date, what: string): Refused | null {
  if (!seconds || !/^\d{1,12}$/.test(seconds)) return refuse("missing-signature", `${what} has no valid timestamp.`);
  const skew = Math.abs(now.getTime() / 1000 - Number(seconds));
  if (skew > TOLERANCE_SECONDS)
    return refuse(
      "stale",
      `The signed timestamp is ${Math.round(skew)} s away from now (tolerance ${TOLERANCE_SECONDS} s).`,
    );
  return null;
}

function verifyStandardWebhooks(cfg: InboundConfig, req: InboundRequest): Refused | null {
  const id = header(req, "webhook-id");
  const ts = header(req, "webhook-timestamp");
  const sig = header(req, "webhook-signature");
  if (!id || !sig)
    return refuse("missing-signature", "webhook-id, webhook-timestamp and webhook-signature are required.");
  const late = checkTime(ts, req.now, "webhook-timestamp");
  if (late) return late;
  const signed = Buffer.concat([Buffer.from(`${id}.${ts}.`), req.body]);
  const wants = cfg.secrets.map((secret) =>
    hmac(Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64"), signed).digest("base64"),
  );
  const given = sig
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .map((s) => s.slice(3));
  return given.some((g) => wants.some((w) => sameText(g, w)))
    ? null
    : refuse("bad-signature", "No webhook-signature matches the source's secret.");
}

function verifyGithub(cfg: InboundConfig, req: InboundRequest): Refused | null {
  const sig = header(req, "x-hub-signature-256");
  if (!sig) return refuse("missing-signature", "X-Hub-Signature-256 is required.");
  const wants = cfg.secrets.map((secret) => "sha256=" + hmac(secret, req.body).digest("hex"));
  return wants.some((w) => sameText(sig, w))
    ? null
    : refuse("bad-signature", "X-Hub-Signature-256 does not match the source's secret.");
}

function verifyStripe(cfg: InboundConfig, req: InboundRequest): Refused | null {
  const sig = header(req, "stripe-signature");
  if (!sig) return refuse("missing-signature", "Stripe-Signature is required.");
  const parts = sig.split(",").map((p) => {
    const i = p.indexOf("=");
    return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
  });
  const t = parts.find(([k]) => k === "t")?.[1];
  const v1 = parts.filter(([k]) => k === "v1").map(([, v]) => v);
  if (!t || v1.length === 0) return refuse("missing-signature", "Stripe-Signature has no t= and v1= parts.");
  const late = checkTime(t, req.now, "Stripe-Signature");
  if (late) return late;
  const signed = Buffer.concat([Buffer.from(`${t}.`), req.body]);
  const wants = cfg.secrets.map((secret) => hmac(secret, signed).digest("hex"));
  return v1.some((g) => wants.some((w) => sameText(g, w)))
    ? null
    : refuse("bad-signature", "No v1 signature in Stripe-Signature matches the source's secret.");
}

function verifyToken(cfg: InboundConfig, req: InboundRequest): Refused | null {
  const name = cfg.tokenHeader || DEFAULT_TOKEN_HEADER;
  let given = header(req, name);
  if (!given) return refuse("missing-signature", `${name} is required.`);
  if (name.toLowerCase() === "authorization" && given.startsWith("Bearer ")) given = given.slice(7);
  const token = given;
  return cfg.secrets.some((s) => sameText(token, s))
    ? null
    : refuse("bad-signature", `${name} does not match the source's token.`);
}

const VERIFY: Record<InboundKind, (cfg: InboundConfig, req: InboundRequest) => Refused | null> = {
  "standard-webhooks": verifyStandardWebhooks,
  github: verifyGithub,
  stripe: verifyStripe,
  token: verifyToken,
};

/** The JSON body (GitHub may send it form-encoded as payload=…); an event's detail is a JSON object. */
function parseBody(req: InboundRequest): { ok: true; body: Record<string, unknown> } | Refused {
  let text = req.body.toString("utf8");
  if ((header(req, "content-type") ?? "").startsWith("application/x-www-form-urlencoded"))
    text = new URLSearchParams(text).get("payload") ?? "";
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return refuse("bad-body", "The body is not JSON.");
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return refuse("bad-body", "The body must be a JSON object.");
  return { ok: true, body: v as Record<string, unknown> };
}

function stringField(o: Record<string, unknown>, k: string): string | null {
  const v = o[k];
  return typeof v === "string" && v !== "" ? v : null;
}

/**
 * Verifies one request against its source's scheme and turns it into an event's parts. Signature
 * and freshness are checked before the body is looked at, so nothing unsigned is parsed.
 */
export function verifyInbound(cfg: InboundConfig, req: InboundRequest): Verified | Refused {
  const refused = VERIFY[cfg.kind](cfg, req);
  if (refused) return refused;
  const parsed = parseBody(req);
  if (!parsed.ok) return parsed;
  const body = parsed.body;
  let detailType: string | null = null;
  let deliveryId: string | null = null;
  switch (cfg.kind) {
    case "standard-webhooks":
      detailType = stringField(body, "type");
      deliveryId = header(req, "webhook-id") ?? null;
      break;
    case "github":
      detailType = header(req, "x-github-event") ?? null;
      deliveryId = header(req, "x-github-delivery") ?? null;
      break;
    case "stripe":
      detailType = stringField(body, "type");
      deliveryId = stringField(body, "id");
      break;
    case "token":
      deliveryId = header(req, "idempotency-key") ?? header(req, "webhook-id") ?? null;
      break;
  }
  return {
    ok: true,
    deliveryId: deliveryId ? deliveryId.slice(0, 256) : null,
    detailType: (detailType ?? "Webhook").slice(0, MAX_DETAIL_TYPE),
    detail: body,
  };
}
