import { env } from "../../env";
import { invalidArn } from "./state-machine.errors";

// Step Functions ARNs (contracts.md): state machine `arn:aws:states:R:A:stateMachine:NAME`, version
// `...:NAME:3`, alias `...:NAME:ALIAS`, activity `arn:aws:states:R:A:activity:NAME`. Parsing answers
// AWS's InvalidArn wording for anything that is not the kind of resource the action takes.

export type SfnCaller = { tenant: { id: string; accountId: string } };

export const region = (): string => env().SIGNALBOX_REGION;

export const stateMachineArn = (accountId: string, name: string) =>
  `arn:aws:states:${region()}:${accountId}:stateMachine:${name}`;
export const activityArn = (accountId: string, name: string) =>
  `arn:aws:states:${region()}:${accountId}:activity:${name}`;

export type ParsedSfnArn = {
  region: string;
  accountId: string;
  resourceType: string;
  name: string;
  /** stateMachine ARNs: ":3" (version) or ":live" (alias); absent for the machine itself. */
  qualifier?: string;
};

const PREFIX = /^arn:aws[a-zA-Z-]*:states:([^:]*):([^:]*):([^:]+):(.*)$/;

/** Any states ARN split into its parts; InvalidArn when it is not one. */
export function parseSfnArn(arn: string): ParsedSfnArn {
  const m = PREFIX.exec(arn);
  if (!arn.startsWith("arn:")) throw invalidArn(`Invalid ARN prefix: ${arn}`);
  if (!m) throw invalidArn(`Invalid ARN: ${arn}`);
  const [, r, accountId, resourceType, rest] = m as unknown as [string, string, string, string, string];
  const parts = rest.split(":");
  if (parts.length > 2 || parts[0] === "") throw invalidArn(`Invalid ARN: ${arn}`);
  return { region: r, accountId, resourceType, name: parts[0]!, qualifier: parts[1] };
}

export type MachineRef =
  | { kind: "machine"; accountId: string; name: string }
  | { kind: "version"; accountId: string; name: string; version: number }
  | { kind: "alias"; accountId: string; name: string; alias: string };

/** A state machine, version or alias ARN (which of them is allowed is the caller's decision). */
export function parseMachineArn(arn: string): MachineRef {
  const p = parseSfnArn(arn);
  if (p.resourceType !== "stateMachine") throw invalidArn(`Resource type not valid in this context: ${p.resourceType}`);
  if (p.qualifier === undefined) return { kind: "machine", accountId: p.accountId, name: p.name };
  if (/^[0-9]+$/.test(p.qualifier)) {
    const version = Number(p.qualifier);
    if (!Number.isSafeInteger(version) || version < 1) throw invalidArn(`Invalid ARN: ${arn}`);
    return { kind: "version", accountId: p.accountId, name: p.name, version };
  }
  return { kind: "alias", accountId: p.accountId, name: p.name, alias: p.qualifier };
}

export function parseActivityArn(arn: string): { accountId: string; name: string } {
  const p = parseSfnArn(arn);
  if (p.resourceType !== "activity" || p.qualifier !== undefined)
    throw invalidArn(`Resource type not valid in this context: ${p.resourceType}`);
  return { accountId: p.accountId, name: p.name };
}

// AWS's name rule for state machines, activities and executions: 1–80 characters, none of
// whitespace, < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / or control characters.
// eslint-disable-next-line no-control-regex
const BAD_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function nameProblem(name: string): boolean {
  return name.length < 1 || name.length > 80 || BAD_NAME.test(name);
}
