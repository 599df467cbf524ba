import { effectiveDeliveryPolicy } from "../../../core/sns/delivery-policy";
import { guardedRequest } from "../../../platform/guarded-http";
import { httpRequestFor } from "../payload";
import { MAX_REQUEST_BODY_LOGGED, MAX_RESPONSE_BODY_LOGGED, truncate, type RemoteTarget } from "./target";

// HTTP/S webhooks: the SNS envelope (or raw body) POSTed through the guarded client. 2xx is a
// success; a refused address or a malformed URL will not change on retry (permanent); anything
// else (network error, timeout, non-2xx) is retried on the subscription's delivery policy.
export const webhookTarget: RemoteTarget = {
  kind: "webhook",
  mode: "remote",
  protocols: ["http", "https"],
  autoDisable: true,
  policy: ({ subscription, topicPolicy }) => {
    const p = effectiveDeliveryPolicy(subscription.deliveryPolicy, topicPolicy);
    return { retry: p.retry, maxPerSecond: p.maxReceivesPerSecond ?? undefined };
  },
  async attempt({ delivery, message, subscription, topicPolicy, baseUrl }) {
    const p = effectiveDeliveryPolicy(subscription.deliveryPolicy, topicPolicy);
    const req = await httpRequestFor(delivery.id, message, subscription, baseUrl, p.headerContentType);
    const sent = { requestHeaders: req.headers, requestBody: truncate(req.body, MAX_REQUEST_BODY_LOGGED) };
    const res = await guardedRequest({
      url: req.url,
      method: "POST",
      headers: req.headers,
      body: req.body,
      maxResponseBytes: MAX_RESPONSE_BODY_LOGGED,
    });
    if (!res.ok)
      return {
        result: res.kind === "blocked" || res.kind === "bad_url" ? "permanent" : "retryable",
        error: `${res.kind}: ${res.error}`,
        statusCode: null,
        record: { ...sent, durationMs: res.durationMs },
      };
    const record = {
      ...sent,
      responseStatus: res.status,
      responseHeaders: res.headers,
      responseBody: res.body.toString("utf8"),
      durationMs: res.durationMs,
    };
    if (res.status >= 200 && res.status < 300)
      return { result: "success", error: null, statusCode: res.status, record };
    return { result: "retryable", error: `HTTP ${res.status}`, statusCode: res.status, record };
  },
};
