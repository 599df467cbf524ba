// TestEventPattern's `Event` parameter: AWS wants a JSON object carrying the envelope fields below
// (its API reference also lists `resources`, but AWS accepts events without it) and refuses anything
// else with a ValidationException whose message is exactly "Parameter Event is not valid.".

export const TEST_EVENT_REQUIRED_FIELDS = ["id", "account", "source", "time", "region", "detail-type"] as const;

export class TestEventError extends Error {
  readonly code = "ValidationException";
  constructor() {
    super("Parameter Event is not valid.");
  }
}

/** Parses TestEventPattern's Event; throws TestEventError as AWS refuses it. */
export function parseTestEvent(json: string): Record<string, unknown> {
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    throw new TestEventError();
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) throw new TestEventError();
  const obj = event as Record<string, unknown>;
  for (const f of TEST_EVENT_REQUIRED_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(obj, f)) throw new TestEventError();
  }
  return obj;
}
