import { env } from "../../env";
import { AppError } from "../../core/errors";
import { assertCan, type Permission, type Role } from "../../auth/permissions";

// ARNs of executions and map runs (contracts.md), and the parsing every execution action shares.

export type Caller = { tenant: { id: string; accountId: string }; actor?: unknown };

/**
 * The execution services check the caller's role themselves, so every door (AWS, REST, console,
 * integrations) is covered: viewers may read executions, not start, stop, redrive or answer tasks.
 * Internal callers (the executor, map runs) pass no actor or a system actor.
 */
export function assertCallerCan(caller: Caller, permission: Permission): void {
  const role = (caller.actor as { role?: Role } | undefined)?.role;
  if (role) assertCan(role, permission);
}

export const region = () => env().SIGNALBOX_REGION;

export function executionArnOf(
  tenant: { accountId: string },
  smName: string,
  name: string,
  express?: { uuid: string },
): string {
  return express
    ? `arn:aws:states:${region()}:${tenant.accountId}:express:${smName}:${name}:${express.uuid}`
    : `arn:aws:states:${region()}:${tenant.accountId}:execution:${smName}:${name}`;
}

export function mapRunArnOf(tenant: { accountId: string }, smName: string, label: string, uuid: string): string {
  return `arn:aws:states:${region()}:${tenant.accountId}:mapRun:${smName}/${label}:${uuid}`;
}

const ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$/;

export type ParsedArn = { region: string; account: string; kind: string; rest: string };

export function parseStatesArn(arn: string): ParsedArn | null {
  const m = ARN.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, kind: m[3]!, rest: m[4]! } : null;
}

export function invalidArn(arn: string): AppError {
  return new AppError("validation", `Invalid Arn: '${arn}'`, { awsCode: "InvalidArn" });
}

/** An execution ARN (standard or express) of the caller's account; throws InvalidArn otherwise. */
export function checkExecutionArn(caller: Caller, arn: string): ParsedArn {
  const p = parseStatesArn(arn);
  if (!p || (p.kind !== "execution" && p.kind !== "express") || p.rest.split(":").length < 2)
    throw new AppError("validation", `Invalid Arn: 'Resource type not valid in this context: ${arn}'`, {
      awsCode: "InvalidArn",
    });
  return p;
}

export const executionDoesNotExist = (arn: string) =>
  new AppError("not_found", `Execution Does Not Exist: '${arn}'`, { awsCode: "ExecutionDoesNotExist" });

export const stateMachineDoesNotExist = (arn: string) =>
  new AppError("not_found", `State Machine Does Not Exist: '${arn}'`, { awsCode: "StateMachineDoesNotExist" });
