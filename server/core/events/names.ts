// EventBridge names, ARNs and the "1 validation error detected" wording AWS uses for them. Pure.

export const NAME_PATTERN = "[\\.\\-_A-Za-z0-9]+";
export const BUS_NAME_PATTERN = "[/\\.\\-_A-Za-z0-9]+";
export const BUS_REF_PATTERN =
  "(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+";
const NAME_RE = /^[.\-_A-Za-z0-9]+$/;
const BUS_NAME_RE = /^[/.\-_A-Za-z0-9]+$/;
const BUS_ARN_RE = /^arn:aws[\w-]*:events:([a-z]+-[a-z]+-[\w-]+):([0-9]{12}):event-bus\/([/.\-_A-Za-z0-9]+)$/;

export type NameProblem = { message: string };

/** AWS's wording for one failed member constraint. */
export function constraintMessage(value: string, member: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`;
}

function check(value: string, member: string, max: number, re: RegExp, pattern: string): string | null {
  if (value.length < 1) return constraintMessage(value, member, "Member must have length greater than or equal to 1");
  if (value.length > max)
    return constraintMessage(value, member, `Member must have length less than or equal to ${max}`);
  if (!re.test(value))
    return constraintMessage(value, member, `Member must satisfy regular expression pattern: ${pattern}`);
  return null;
}

export function ruleNameProblem(name: string, member = "name"): string | null {
  return check(name, member, 64, NAME_RE, NAME_PATTERN);
}

export function targetIdProblem(id: string, member: string): string | null {
  return check(id, member, 64, NAME_RE, NAME_PATTERN);
}

/** CreateEventBus's Name: AWS's pattern, then its own rules for custom buses. */
export function newBusNameProblem(name: string): string | null {
  const p = check(name, "name", 256, BUS_NAME_RE, BUS_NAME_PATTERN);
  if (p) return p;
  if (name.includes("/")) return "Event bus name must not contain '/'.";
  if (name === "default") return null;
  return null;
}

/** An EventBusName parameter: a name or a bus ARN. */
export function busRefProblem(ref: string, member = "eventBusName"): string | null {
  if (ref.startsWith("arn:")) {
    if (ref.length > 1600) return constraintMessage(ref, member, "Member must have length less than or equal to 1600");
    return BUS_ARN_RE.test(ref)
      ? null
      : constraintMessage(ref, member, `Member must satisfy regular expression pattern: ${BUS_REF_PATTERN}`);
  }
  return check(ref, member, 256, BUS_NAME_RE, BUS_REF_PATTERN);
}

export function parseBusArn(arn: string): { region: string; accountId: string; name: string } | null {
  const m = BUS_ARN_RE.exec(arn);
  return m ? { region: m[1]!, accountId: m[2]!, name: m[3]! } : null;
}

export function busArn(region: string, accountId: string, name: string): string {
  return `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
}

/** Rules on the default bus: rule/<name>; on a custom bus: rule/<bus>/<name> (as AWS builds them). */
export function ruleArn(region: string, accountId: string, busName: string, ruleName: string): string {
  return busName === "default"
    ? `arn:aws:events:${region}:${accountId}:rule/${ruleName}`
    : `arn:aws:events:${region}:${accountId}:rule/${busName}/${ruleName}`;
}

export function parseRuleArn(arn: string): { accountId: string; busName: string; name: string } | null {
  const m = /^arn:aws[\w-]*:events:[a-z0-9-]+:([0-9]{12}):rule\/(?:([/.\-_A-Za-z0-9]+)\/)?([.\-_A-Za-z0-9]+)$/.exec(
    arn,
  );
  return m ? { accountId: m[1]!, busName: m[2] ?? "default", name: m[3]! } : null;
}
