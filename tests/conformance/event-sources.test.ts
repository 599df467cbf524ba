import { createHmac, randomUUID } from "node:crypto";
import {
  EventBridgeClient,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  SQSClient,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// Inbound event sources end to end: a bus, a rule with a queue target (EventBridge and SQS SDK
// clients), sources created over REST, requests signed as GitHub, Stripe and Standard Webhooks
// senders sign them posted to the public ingest URL; the events reach the queue with partner.<name>
// as source and the provider's event type as detail-type. Bad signatures, replays and stale
// timestamps are refused with problem+json and put nothing on the bus.

let web: TestProcess & { url: string };
let t: TestTenant;
let eb: EventBridgeClient;
let sqs: SQSClient;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  // No worker: a queue target is delivered inside the ingest's own transaction.
  web = await startWeb();
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  const endpoint = `${web.url}/api/aws`;
  eb = new EventBridgeClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await web?.stop();
});

function rest(method: string, path: string, body?: unknown) {
  return fetch(`${web.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function receiveAll(url: string, expected: number): Promise<Message[]> {
  const got: Message[] = [];
  await until(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    got.push(...(r.Messages ?? []));
    return got.length >= expected;
  }, 20_000);
  return got;
}

/** A bus whose every partner.* event lands in a queue. */
async function busWithQueue() {
  const bus = uniqueName("saas");
  await eb.send(new CreateEventBusCommand({ Name: bus }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("inbox") }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!
    .QueueArn!;
  await eb.send(
    new PutRuleCommand({ Name: "partners", EventBusName: bus, EventPattern: '{"source":[{"prefix":"partner."}]}' }),
  );
  await eb.send(new PutTargetsCommand({ Rule: "partners", EventBusName: bus, Targets: [{ Id: "q", Arn: arn }] }));
  return { bus, queueUrl: QueueUrl! };
}

async function createSource(bus: string, body: Record<string, unknown>) {
  const res = await rest("POST", `/api/v1/buses/${bus}/sources`, body);
  expect(res.status).toBe(201);
  return (await res.json()) as { source: { id: string; ingestUrl: string; source: string }; secret: string };
}

const post = (url: string, headers: Record<string, string>, body: string) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

const githubSig = (secret: string, body: string) => "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
const stripeSig = (secret: string, t: number, body: string) =>
  `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;

describe("inbound event sources", () => {
  it("turns GitHub-, Stripe- and Standard-Webhooks-signed requests into events on the bus; accepts a repeated delivery once; refuses bad and stale ones", async () => {
    const { bus, queueUrl } = await busWithQueue();
    const gh = await createSource(bus, { name: "github", kind: "github" });
    expect(gh.source.ingestUrl).toBe(`${web.url}/api/v1/ingest/${gh.source.id}`);
    expect(gh.source.source).toBe("partner.github");
    // Stripe shows its own whsec_ secret for an endpoint: the source takes it on creation.
    const stripeSecret = "whsec_" + randomUUID().replace(/-/g, "");
    const st = await createSource(bus, { name: "stripe", kind: "stripe", secret: stripeSecret });
    expect(st.secret).toBe(stripeSecret);
    const sw = await createSource(bus, { name: "acme", kind: "standard-webhooks" });
    expect(sw.secret).toMatch(/^whsec_/);

    // Accepted: one of each.
    const push = JSON.stringify({ ref: "refs/heads/main", after: "abc123" });
    const delivery = randomUUID();
    const ghHeaders = {
      "x-hub-signature-256": githubSig(gh.secret, push),
      "x-github-event": "push",
      "x-github-delivery": delivery,
    };
    const ok1 = await post(gh.source.ingestUrl, ghHeaders, push);
    expect(ok1.status).toBe(200);
    const ghEventId = ((await ok1.json()) as { eventId: string }).eventId;

    const now = Math.floor(Date.now() / 1000);
    const charge = JSON.stringify({ id: `evt_${randomUUID()}`, object: "event", type: "charge.succeeded" });
    const ok2 = await post(st.source.ingestUrl, { "stripe-signature": stripeSig(stripeSecret, now, charge) }, charge);
    expect(ok2.status).toBe(200);

    const invoice = JSON.stringify({ type: "invoice.paid", data: { amount: 42 } });
    const swId = `msg_${randomUUID()}`;
    const swHeaders = new Webhook(sw.secret).sign(swId, new Date(now * 1000), invoice);
    const ok3 = await post(
      sw.source.ingestUrl,
      { "webhook-id": swId, "webhook-timestamp": String(now), "webhook-signature": swHeaders },
      invoice,
    );
    expect(ok3.status).toBe(200);

    // Repeated deliveries (a sender retrying what it did not see acknowledged): 200 with the first
    // event's id, as webhook senders expect; nothing is put on the bus again.
    const again = await post(gh.source.ingestUrl, ghHeaders, push);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ eventId: ghEventId, duplicate: true });
    const stripeAgain = await post(
      st.source.ingestUrl,
      { "stripe-signature": stripeSig(stripeSecret, now, charge) },
      charge,
    );
    expect(stripeAgain.status).toBe(200);
    expect(await stripeAgain.json()).toEqual({
      eventId: ((await ok2.json()) as { eventId: string }).eventId,
      duplicate: true,
    });

    // Refused, each with problem+json and nothing put on the bus.
    const refusals: [string, () => Promise<Response>, number][] = [
      [
        "bad signature",
        () =>
          post(
            gh.source.ingestUrl,
            { ...ghHeaders, "x-github-delivery": randomUUID(), "x-hub-signature-256": githubSig("wrong", push) },
            push,
          ),
        401,
      ],
      [
        "stale Stripe timestamp",
        () =>
          post(
            st.source.ingestUrl,
            { "stripe-signature": stripeSig(stripeSecret, now - 301, charge.replace("evt_", "evt_x")) },
            charge.replace("evt_", "evt_x"),
          ),
        401,
      ],
      ["no signature", () => post(sw.source.ingestUrl, {}, invoice), 401],
      ["unknown source", () => post(`${web.url}/api/v1/ingest/src_nope`, ghHeaders, push), 404],
      ["too large", () => post(gh.source.ingestUrl, ghHeaders, JSON.stringify({ pad: "x".repeat(300 * 1024) })), 413],
    ];
    for (const [what, send, status] of refusals) {
      const res = await send();
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }

    const messages = await receiveAll(queueUrl, 3);
    const events = messages.map((m) => JSON.parse(m.Body!));
    expect(events.map((e) => [e.source, e["detail-type"]]).sort()).toEqual([
      ["partner.acme", "invoice.paid"],
      ["partner.github", "push"],
      ["partner.stripe", "charge.succeeded"],
    ]);
    const ghEvent = events.find((e) => e.source === "partner.github");
    expect(ghEvent).toMatchObject({ id: ghEventId, account: t.tenant.accountId, detail: JSON.parse(push) });
    // Nothing else arrives (each refusal put nothing).
    const more = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );
    expect(more.Messages ?? []).toHaveLength(0);

    // The source's recent requests say what happened, newest first.
    const log = (await (await rest("GET", `/api/v1/buses/${bus}/sources/${gh.source.id}/requests`)).json()) as {
      requests: { status: number; eventId: string | null; reason: string | null; deliveryId: string | null }[];
    };
    expect(log.requests.map((r) => r.status)).toEqual([413, 401, 200, 200]);
    expect(log.requests[3]).toMatchObject({ eventId: ghEventId, deliveryId: delivery, reason: null });
    expect(log.requests[2]).toMatchObject({ eventId: ghEventId, deliveryId: delivery });
    expect(log.requests[2]!.reason).toMatch(/already accepted/);
  });

  it("manages sources: secrets shown once, rotation, shared tokens, deletion; names unique per bus", async () => {
    const { bus, queueUrl } = await busWithQueue();
    const tok = await createSource(bus, { name: "ci", kind: "token", tokenHeader: "Authorization" });
    const list = (await (await rest("GET", `/api/v1/buses/${bus}/sources`)).json()) as { sources: object[] };
    expect(list.sources).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(tok.secret);
    const dup = await rest("POST", `/api/v1/buses/${bus}/sources`, { name: "ci", kind: "github" });
    expect(dup.status).toBe(409);

    const body = JSON.stringify({ build: 7, status: "green" });
    expect((await post(tok.source.ingestUrl, { authorization: `Bearer ${tok.secret}` }, body)).status).toBe(200);
    const rotated = (await (
      await rest("POST", `/api/v1/buses/${bus}/sources/${tok.source.id}/rotate-secret`, {})
    ).json()) as {
      secret: string;
    };
    expect(rotated.secret).not.toBe(tok.secret);
    expect((await post(tok.source.ingestUrl, { authorization: `Bearer ${tok.secret}` }, body)).status).toBe(401);
    expect((await post(tok.source.ingestUrl, { authorization: `Bearer ${rotated.secret}` }, body)).status).toBe(200);
    const got = await receiveAll(queueUrl, 2);
    expect(got.map((m) => JSON.parse(m.Body!)["detail-type"])).toEqual(["Webhook", "Webhook"]);

    expect((await rest("DELETE", `/api/v1/buses/${bus}/sources/${tok.source.id}`)).status).toBe(204);
    expect((await post(tok.source.ingestUrl, { authorization: `Bearer ${rotated.secret}` }, body)).status).toBe(404);
    expect((await rest("GET", `/api/v1/buses/no-such-bus/sources`)).status).toBe(404);

    const doc = (await (await fetch(`${web.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.paths["/api/v1/ingest/{id}"]!.post!.security).toEqual([]);
    expect(Object.keys(doc.paths["/api/v1/buses/{bus}/sources/{id}"]!).sort()).toEqual(["delete", "get"]);
  });
});
