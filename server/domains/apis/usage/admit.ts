// The gateway's admission check, before it runs a method's integration: the API key (when the method
// requires one), the usage plan's throttle and quota for that key, and the stage's and method's
// throttle. Limits hold across every web process.

export type Throttle = { rateLimit: number; burstLimit: number };

export type AdmitRequest = {
  tenantId: string;
  restApiId: string;
  stage: string;
  /** e.g. "/orders/{id}" */
  resourcePath: string;
  httpMethod: string;
  apiKeyRequired: boolean;
  /** The x-api-key header (or an authorizer's usageIdentifierKey), if any. */
  apiKeyValue: string | null;
  /** The stage's default and this method's throttle settings (MethodSettings), if set. */
  stageThrottle?: Throttle | null;
  methodThrottle?: Throttle | null;
};

export type AdmitResult =
  | { ok: true; apiKeyId: string | null; headers: Record<string, string> }
  | { ok: false; status: 403 | 429; message: string; headers: Record<string, string> };

/** Placeholder until usage plans land: admits everything that needs no key, refuses a required key. */
export async function admitApiRequest(req: AdmitRequest): Promise<AdmitResult> {
  if (req.apiKeyRequired) return { ok: false, status: 403, message: "Forbidden", headers: {} };
  return { ok: true, apiKeyId: null, headers: {} };
}
