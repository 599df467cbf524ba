import type { AuthParameters } from "../../../core/connections/auth-params";
import {
  createConnection,
  deauthorizeConnection,
  deleteConnection,
  describeConnection,
  listConnections,
  updateConnection,
} from "../../../domains/connections/connection.service";
import {
  createApiDestination,
  deleteApiDestination,
  describeApiDestination,
  listApiDestinations,
  updateApiDestination,
} from "../../../domains/connections/api-destination.service";
import type { ApiDestinationRow, ConnectionRow } from "../../../domains/connections/connection.repository";
import type { AwsAction, AwsCall, AwsReply } from "../types";
import { epoch as epochSeconds, int, obj, str, type In } from "./wire";

// EventBridge connections and API destinations on the EventBridge door (contracts.md seam 7): the
// events service spreads `connectionActions` into its action table. AWS JSON 1.1; timestamps are
// epoch seconds; secrets never appear in an answer.

const epoch = (d: Date | null) => (d ? epochSeconds(d) : undefined);

function reply(out: Record<string, unknown>): AwsReply {
  return { headers: { "content-type": "application/x-amz-json-1.1" }, body: JSON.stringify(out) };
}

const who = (call: AwsCall) => [call.ctx.actor, call.ctx.tenant] as const;

function stateOut(c: ConnectionRow, state = c.state): Record<string, unknown> {
  return {
    ConnectionArn: c.arn,
    ConnectionState: state,
    CreationTime: epoch(c.createdAt),
    LastModifiedTime: epoch(c.lastModifiedAt),
    LastAuthorizedTime: epoch(c.lastAuthorizedAt),
  };
}

function connectionSummary(c: ConnectionRow): Record<string, unknown> {
  return {
    ConnectionArn: c.arn,
    Name: c.name,
    ConnectionState: c.state,
    StateReason: c.stateReason ?? undefined,
    AuthorizationType: c.authorizationType,
    CreationTime: epoch(c.createdAt),
    LastModifiedTime: epoch(c.lastModifiedAt),
    LastAuthorizedTime: epoch(c.lastAuthorizedAt),
  };
}

function destinationOut(d: ApiDestinationRow): Record<string, unknown> {
  return {
    ApiDestinationArn: d.arn,
    Name: d.name,
    Description: d.description ?? undefined,
    ApiDestinationState: d.state,
    ConnectionArn: d.connectionArn,
    InvocationEndpoint: d.endpoint,
    HttpMethod: d.httpMethod,
    InvocationRateLimitPerSecond: d.ratePerSecond ?? undefined,
    CreationTime: epoch(d.createdAt),
    LastModifiedTime: epoch(d.lastModifiedAt),
  };
}

const destinationState = (d: ApiDestinationRow) => ({
  ApiDestinationArn: d.arn,
  ApiDestinationState: d.state,
  CreationTime: epoch(d.createdAt),
  LastModifiedTime: epoch(d.lastModifiedAt),
});

const createConn: AwsAction = async (call) => {
  const j = call.json ?? {};
  const c = await createConnection(...who(call), {
    name: str(j, "Name", true)!,
    description: str(j, "Description"),
    authorizationType: str(j, "AuthorizationType", true)!,
    authParameters: (obj(j, "AuthParameters") ?? {}) as AuthParameters,
  });
  const out = stateOut(c);
  delete out.LastAuthorizedTime;
  return reply(out);
};

const describeConn: AwsAction = async (call) => {
  const c = await describeConnection(...who(call), str(call.json ?? {}, "Name", true)!);
  return reply({
    ConnectionArn: c.arn,
    Name: c.name,
    Description: c.description ?? undefined,
    ConnectionState: c.state,
    StateReason: c.stateReason ?? undefined,
    AuthorizationType: c.authorizationType,
    // Where AWS keeps the credentials; here they are sealed in Signalbox's own database.
    SecretArn: `arn:aws:secretsmanager:${c.arn.split(":")[3]}:${c.arn.split(":")[4]}:secret:events!connection/${c.name}/${c.id}`,
    AuthParameters: c.authPublic,
    CreationTime: epoch(c.createdAt),
    LastModifiedTime: epoch(c.lastModifiedAt),
    LastAuthorizedTime: epoch(c.lastAuthorizedAt),
  });
};

const updateConn: AwsAction = async (call) => {
  const j = call.json ?? {};
  const c = await updateConnection(...who(call), {
    name: str(j, "Name", true)!,
    description: str(j, "Description"),
    authorizationType: str(j, "AuthorizationType"),
    authParameters: obj(j, "AuthParameters") as AuthParameters | undefined,
  });
  return reply(stateOut(c));
};

const deleteConn: AwsAction = async (call) => {
  const c = await deleteConnection(...who(call), str(call.json ?? {}, "Name", true)!);
  return reply(stateOut(c, "DELETING"));
};

const deauthorizeConn: AwsAction = async (call) => {
  const c = await deauthorizeConnection(...who(call), str(call.json ?? {}, "Name", true)!);
  return reply(stateOut(c, "DEAUTHORIZING"));
};

const listConns: AwsAction = async (call) => {
  const j = call.json ?? {};
  const r = await listConnections(...who(call), {
    namePrefix: str(j, "NamePrefix"),
    connectionState: str(j, "ConnectionState"),
    nextToken: str(j, "NextToken"),
    limit: int(j, "Limit"),
  });
  return reply({ Connections: r.connections.map(connectionSummary), NextToken: r.nextToken ?? undefined });
};

const destInput = (j: In) => ({
  name: str(j, "Name", true)!,
  description: str(j, "Description"),
  connectionArn: str(j, "ConnectionArn"),
  invocationEndpoint: str(j, "InvocationEndpoint"),
  httpMethod: str(j, "HttpMethod"),
  invocationRateLimitPerSecond: int(j, "InvocationRateLimitPerSecond"),
});

const createDest: AwsAction = async (call) => {
  const j = call.json ?? {};
  str(j, "ConnectionArn", true);
  str(j, "InvocationEndpoint", true);
  str(j, "HttpMethod", true);
  return reply(destinationState(await createApiDestination(...who(call), destInput(j))));
};

const describeDest: AwsAction = async (call) =>
  reply(destinationOut(await describeApiDestination(...who(call), str(call.json ?? {}, "Name", true)!)));

const updateDest: AwsAction = async (call) =>
  reply(destinationState(await updateApiDestination(...who(call), destInput(call.json ?? {}))));

const deleteDest: AwsAction = async (call) => {
  await deleteApiDestination(...who(call), str(call.json ?? {}, "Name", true)!);
  return reply({});
};

const listDests: AwsAction = async (call) => {
  const j = call.json ?? {};
  const r = await listApiDestinations(...who(call), {
    namePrefix: str(j, "NamePrefix"),
    connectionArn: str(j, "ConnectionArn"),
    nextToken: str(j, "NextToken"),
    limit: int(j, "Limit"),
  });
  return reply({
    ApiDestinations: r.destinations.map((d) => {
      const o = destinationOut(d);
      delete o.Description;
      return o;
    }),
    NextToken: r.nextToken ?? undefined,
  });
};

export const connectionActions: ReadonlyArray<readonly [string, AwsAction]> = [
  ["CreateConnection", createConn],
  ["DescribeConnection", describeConn],
  ["UpdateConnection", updateConn],
  ["DeleteConnection", deleteConn],
  ["ListConnections", listConns],
  ["DeauthorizeConnection", deauthorizeConn],
  ["CreateApiDestination", createDest],
  ["DescribeApiDestination", describeDest],
  ["UpdateApiDestination", updateDest],
  ["DeleteApiDestination", deleteDest],
  ["ListApiDestinations", listDests],
];
