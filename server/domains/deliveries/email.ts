import { randomUUID } from "node:crypto";
import { env } from "../../env";
import { pool } from "../../db";
import { insertOutboxEmail, type Queryable } from "./delivery.repository";

// Email for email/email-json subscriptions. With SMTP_URL (e.g. smtp://user:pass@mail:587 or
// smtps://...) messages are sent through nodemailer; without it they only go to the outbox the
// console shows, so nothing is silently dropped. Either way the outbox keeps a copy.

type Transport = {
  sendMail(m: {
    from: string;
    to: string;
    subject: string;
    text: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
};
let transport: Promise<Transport | null> | undefined;

function smtp(): Promise<Transport | null> {
  if (!transport) {
    const url = env().SMTP_URL;
    transport = url
      ? // nodemailer ships no types; its createTransport(url) is all we use.
        import("nodemailer" as string).then((m: { default: { createTransport(u: string): Transport } }) =>
          m.default.createTransport(url),
        )
      : Promise.resolve(null);
  }
  return transport;
}

export const emailFrom = () => process.env.SIGNALBOX_EMAIL_FROM ?? "Signalbox Notifications <no-reply@signalbox.local>";

export type EmailResult = { ok: true; via: "smtp" | "outbox" } | { ok: false; error: string };

export async function sendEmail(
  e: {
    tenantId: string;
    subscriptionId: string | null;
    deliveryId: string | null;
    to: string;
    subject: string;
    body: string;
  },
  tx?: Queryable,
): Promise<EmailResult> {
  const t = await smtp();
  if (!t) {
    await insertOutboxEmail(tx ?? pool(), { id: randomUUID(), ...e, status: "outbox" });
    return { ok: true, via: "outbox" };
  }
  try {
    await t.sendMail({
      from: emailFrom(),
      to: e.to,
      subject: e.subject,
      text: e.body,
      headers: e.deliveryId ? { "X-Signalbox-Delivery-Id": e.deliveryId } : undefined,
    });
    await insertOutboxEmail(tx ?? pool(), { id: randomUUID(), ...e, status: "sent" });
    return { ok: true, via: "smtp" };
  } catch (err) {
    await insertOutboxEmail(tx ?? pool(), { id: randomUUID(), ...e, status: "failed" });
    return { ok: false, error: `SMTP: ${(err as Error).message}` };
  }
}
