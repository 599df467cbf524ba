import { randomInt } from "node:crypto";
import type { Queryable } from "../../db";
import { AppError } from "../../core/errors";
import * as repo from "./execution.repository";
import { invalidArn, parseStatesArn, stateMachineDoesNotExist } from "./execution.arns";

// What StartExecution runs: a state machine ARN (its current definition), a version ARN
// (`...:NAME:3`, that version's definition) or an alias ARN (`...:NAME:ALIAS`, a weighted pick of
// its one or two versions). LOW module: imports nothing of the executor (see start.ts).

export type StartTarget = {
  stateMachineId: string;
  stateMachineArn: string;
  name: string;
  type: "STANDARD" | "EXPRESS";
  definition: string;
  roleArn: string;
  versionArn: string | null;
  aliasArn: string | null;
  /** ACTIVE | DELETING (StartExecution refuses a DELETING machine; its map runs still launch items). */
  machineStatus: string;
};

type SmRow = repo.StateMachineRow;

export async function resolveStartTarget(
  q: Queryable,
  tenant: { id: string; accountId: string },
  arn: string,
): Promise<StartTarget> {
  const p = parseStatesArn(arn);
  if (!p || p.kind !== "stateMachine") throw invalidArn(arn);
  const [name, qualifier, extra] = p.rest.split(":");
  if (!name || extra !== undefined) throw invalidArn(arn);
  if (p.account !== tenant.accountId) throw stateMachineDoesNotExist(arn);
  const sm = await repo.findStateMachineByName(q, tenant.id, name);
  if (!sm) throw stateMachineDoesNotExist(arn);
  const base = {
    stateMachineId: sm.id,
    stateMachineArn: sm.arn,
    name: sm.name,
    type: sm.type as StartTarget["type"],
    machineStatus: sm.status,
  };
  if (qualifier === undefined)
    return { ...base, definition: sm.definition, roleArn: sm.role_arn, versionArn: null, aliasArn: null };
  if (/^\d+$/.test(qualifier)) return { ...base, ...(await version(q, sm, arn, Number(qualifier))), aliasArn: null };
  const alias = await repo.findAlias(q, sm.id, qualifier);
  if (!alias) throw stateMachineDoesNotExist(arn);
  const routes = alias.routing ?? [];
  const total = routes.reduce((s, r) => s + (r.weight ?? 0), 0);
  let pick = routes[0];
  if (total > 0) {
    let n = randomInt(0, total);
    for (const r of routes) {
      if (n < r.weight) {
        pick = r;
        break;
      }
      n -= r.weight;
    }
  }
  if (!pick) throw stateMachineDoesNotExist(arn);
  const v = Number(pick.stateMachineVersionArn.split(":").pop());
  return { ...base, ...(await version(q, sm, pick.stateMachineVersionArn, v)), aliasArn: alias.arn };
}

async function version(q: Queryable, sm: SmRow, arn: string, n: number) {
  const v = await repo.findVersion(q, sm.id, n);
  if (!v) throw stateMachineDoesNotExist(arn);
  return { definition: v.definition, roleArn: v.role_arn, versionArn: v.arn };
}

/** Raises AppError for an unknown ARN kind (kept here so doors share the message). */
export function notAStateMachine(arn: string): AppError {
  return invalidArn(arn);
}
