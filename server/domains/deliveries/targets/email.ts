import { sendEmail } from "../email";
import { emailFor } from "../payload";
import { LOCAL_RETRY_POLICY, MAX_REQUEST_BODY_LOGGED, truncate, type RemoteTarget } from "./target";

// email / email-json: through SMTP_URL when configured, always with a copy in the outbox.
export const emailTarget: RemoteTarget = {
  kind: "email",
  mode: "remote",
  protocols: ["email", "email-json"],
  autoDisable: false,
  policy: () => ({ retry: LOCAL_RETRY_POLICY }),
  async attempt({ delivery, message, subscription, baseUrl }) {
    const m = await emailFor(message, subscription, baseUrl);
    const sent = await sendEmail({
      tenantId: delivery.tenantId,
      subscriptionId: subscription.id,
      deliveryId: delivery.id,
      to: subscription.endpoint,
      subject: m.subject,
      body: m.body,
    });
    const record = {
      requestHeaders: { subject: m.subject, to: subscription.endpoint },
      requestBody: truncate(m.body, MAX_REQUEST_BODY_LOGGED),
    };
    if (!sent.ok) return { result: "retryable", error: sent.error, statusCode: null, record };
    return { result: "success", error: null, statusCode: null, record: { ...record, responseBody: sent.via } };
  },
};
