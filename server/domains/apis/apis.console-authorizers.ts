import type { Actor } from "../../auth/permissions";
import type { Authorizer } from "../../core/apis/model";
import { authorizerUriOf, authorizerView } from "./authorizers/rest-authorizer-view";
import type { PatchOperation } from "../../core/apis/patch";
import { onField, type ConsoleTenant } from "./apis.console";
import * as apis from "./rest-api.service";

// A REST API's authorizers in the console: TOKEN and REQUEST (a function of the team's, as a Lambda
// authorizer) and COGNITO_USER_POOLS (user pool ARNs), created, changed and deleted through the
// very service the AWS door's CreateAuthorizer / UpdateAuthorizer / DeleteAuthorizer use, so the
// checks (URI, identity source, TTL, validation expression) and their messages are the same; a
// message that names a field becomes that form field's error.

type Ctx = { actor: Actor; tenant: ConsoleTenant };
const caller = (c: Ctx) => ({ actor: c.actor, tenant: c.tenant });

export type RestAuthorizerInput = {
  apiId: string;
  authorizerId?: string;
  name: string;
  type: "TOKEN" | "REQUEST" | "COGNITO_USER_POOLS";
  /** TOKEN / REQUEST: the function's ARN (arn:aws:lambda:…:function:name). */
  functionArn?: string;
  /** COGNITO_USER_POOLS: the user pools' ARNs. */
  providerArns?: string[];
  identitySource: string;
  identityValidationExpression: string;
  authorizerResultTtlInSeconds: number;
};

const FIELDS: [RegExp, string][] = [
  [/identity source/i, "identitySource"],
  [/validation expression/i, "identityValidationExpression"],
  [/authorizer uri/i, "functionArn"],
  [/provider/i, "providerArns"],
  [/ttl/i, "authorizerResultTtlInSeconds"],
  [/authorizer type/i, "type"],
];
const fieldOf = (m: string) => FIELDS.find(([re]) => re.test(m))?.[1] ?? "name";

/** CreateAuthorizer, or UpdateAuthorizer (patch operations for every field the form holds). */
export async function consoleSaveRestAuthorizer(c: Ctx, input: RestAuthorizerInput) {
  const cognito = input.type === "COGNITO_USER_POOLS";
  const uri = !cognito && input.functionArn ? authorizerUriOf(input.functionArn) : undefined;
  const run = async () => {
    if (!input.authorizerId)
      return apis.createAuthorizer(caller(c), input.apiId, {
        name: input.name,
        type: input.type,
        authorizerUri: uri,
        providerARNs: cognito ? input.providerArns : undefined,
        identitySource: input.identitySource || undefined,
        identityValidationExpression: input.identityValidationExpression || undefined,
        authorizerResultTtlInSeconds: input.authorizerResultTtlInSeconds,
      });
    // An empty field is removed (as AWS's console does), a list is replaced whole.
    const set = (path: string, value: string): PatchOperation =>
      value === "" ? { op: "remove", path } : { op: "replace", path, value };
    const ops: PatchOperation[] = [
      set("/name", input.name),
      set("/type", input.type),
      set("/authorizerUri", uri ?? ""),
      set("/identitySource", input.identitySource),
      set("/identityValidationExpression", input.identityValidationExpression),
      set("/authorizerResultTtlInSeconds", String(input.authorizerResultTtlInSeconds)),
    ];
    if (cognito) ops.push({ op: "replace", path: "/providerARNs", value: (input.providerArns ?? []).join(",") });
    return apis.updateAuthorizer(caller(c), input.apiId, input.authorizerId, ops);
  };
  try {
    return authorizerView((await run()) as Authorizer);
  } catch (e) {
    return onField(fieldOf(String((e as Error).message)), () => Promise.reject(e));
  }
}

export async function consoleDeleteRestAuthorizer(c: Ctx, input: { apiId: string; authorizerId: string }) {
  await onField("authorizerId", () => apis.deleteAuthorizer(caller(c), input.apiId, input.authorizerId));
  return { deleted: true };
}
