import type { AttributeError } from "./subscription-attributes";

// SNS topic attributes as the wire carries them (name → string) turned into the typed patch the
// topics service takes. Only the wire's own syntax is checked here (attribute names, booleans,
// enums); the service checks meaning (ContentBasedDeduplication on a FIFO topic only, lengths, the
// Policy and DeliveryPolicy documents, which it parses once), whichever door the patch came from.
// The console maps its form straight to a TopicSettingsPatch.

export type TopicSettingsPatch = {
  /** null clears it. */
  displayName?: string | null;
  /** A topic delivery-policy document ({"http": {...}}); the service parses it. null clears it. */
  deliveryPolicy?: string | null;
  contentBasedDeduplication?: boolean;
  /** An access-policy document; the service checks it. null brings the default policy back. */
  policy?: string | null;
  kmsMasterKeyId?: string | null;
  tracingConfig?: "PassThrough" | "Active" | null;
  /** "1" is syntactically valid but Signalbox refuses it (the service says why). */
  signatureVersion?: "1" | "2" | null;
};

/** CreateTopic's attributes: the settings plus FifoTopic, which only CreateTopic takes. */
export type NewTopicSettings = { fifoTopic?: boolean; settings: TopicSettingsPatch };

/** Wire names of the settable attributes, in the patch's terms (also names them for the audit log). */
export const TOPIC_SETTING_ATTRIBUTE_NAMES: Record<keyof TopicSettingsPatch, string> = {
  displayName: "DisplayName",
  deliveryPolicy: "DeliveryPolicy",
  contentBasedDeduplication: "ContentBasedDeduplication",
  policy: "Policy",
  kmsMasterKeyId: "KmsMasterKeyId",
  tracingConfig: "TracingConfig",
  signatureVersion: "SignatureVersion",
};

/** Accepted and ignored: archive and replay of topics are not supported. */
const ACCEPTED_NOT_STORED = new Set(["ArchivePolicy"]);

const SETTABLE: ReadonlySet<string> = new Set([
  ...Object.values(TOPIC_SETTING_ATTRIBUTE_NAMES),
  ...ACCEPTED_NOT_STORED,
]);

/** SNS's wording: CreateTopic's errors say "Attributes Reason:", SetTopicAttributes' do not. */
export function topicAttributeLead(create: boolean): string {
  return create ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ";
}

export function topicPatchAttributeNames(patch: TopicSettingsPatch): string[] {
  return (Object.keys(patch) as (keyof TopicSettingsPatch)[])
    .filter((k) => patch[k] !== undefined)
    .map((k) => TOPIC_SETTING_ATTRIBUTE_NAMES[k]);
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: AttributeError };

function fail(message: string, field: string): { ok: false; error: AttributeError } {
  return { ok: false, error: { message, field } };
}

function parseSettings(
  attrs: Record<string, string | undefined>,
  lead: string,
  unknown: (name: string) => string,
): Parsed<TopicSettingsPatch> {
  for (const k of Object.keys(attrs)) if (!SETTABLE.has(k)) return fail(unknown(k), k);
  const patch: TopicSettingsPatch = {};
  const text = (k: string) => (attrs[k] === undefined ? undefined : attrs[k]);
  const orNull = (v: string) => (v === "" ? null : v);
  const display = text("DisplayName");
  if (display !== undefined) patch.displayName = orNull(display);
  const delivery = text("DeliveryPolicy");
  if (delivery !== undefined) patch.deliveryPolicy = orNull(delivery);
  const cbd = text("ContentBasedDeduplication");
  if (cbd !== undefined) {
    if (cbd !== "true" && cbd !== "false")
      return fail(
        `${lead}ContentBasedDeduplication: Invalid value [${cbd}]. Must be true or false.`,
        "ContentBasedDeduplication",
      );
    patch.contentBasedDeduplication = cbd === "true";
  }
  const policy = text("Policy");
  if (policy !== undefined) patch.policy = orNull(policy);
  const kms = text("KmsMasterKeyId");
  if (kms !== undefined) patch.kmsMasterKeyId = orNull(kms);
  const tracing = text("TracingConfig");
  if (tracing !== undefined) {
    if (tracing !== "" && tracing !== "PassThrough" && tracing !== "Active")
      return fail(`${lead}TracingConfig: Invalid value [${tracing}]. Must be PassThrough or Active`, "TracingConfig");
    patch.tracingConfig = tracing === "" ? null : tracing;
  }
  const sig = text("SignatureVersion");
  if (sig !== undefined) {
    if (sig !== "" && sig !== "1" && sig !== "2")
      return fail(`${lead}SignatureVersion Reason: must be 1 or 2`, "SignatureVersion");
    patch.signatureVersion = sig === "" ? null : sig;
  }
  return { ok: true, value: patch };
}

/** SetTopicAttributes: one attribute name and value (an empty value clears what can be cleared). */
export function parseTopicAttributeString(name: string, value: string | undefined): Parsed<TopicSettingsPatch> {
  return parseSettings({ [name]: value ?? "" }, topicAttributeLead(false), () => "Invalid parameter: AttributeName");
}

/** CreateTopic's Attributes map: the settings plus FifoTopic. */
export function parseNewTopicAttributeStrings(attrs: Record<string, string>): Parsed<NewTopicSettings> {
  const lead = topicAttributeLead(true);
  const { FifoTopic: fifo, ...rest } = attrs;
  const settings = parseSettings(rest, lead, (k) => `${lead}Unknown attribute ${k}`);
  if (!settings.ok) return settings;
  if (fifo === undefined) return { ok: true, value: { settings: settings.value } };
  if (fifo !== "true" && fifo !== "false")
    return fail(`${lead}FifoTopic: Invalid value [${fifo}]. Must be true or false.`, "FifoTopic");
  return { ok: true, value: { fifoTopic: fifo === "true", settings: settings.value } };
}
