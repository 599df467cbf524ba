import type { AwsAction } from "../types";
import {
  createStateMachine,
  createStateMachineAlias,
  deleteStateMachine,
  deleteStateMachineAlias,
  deleteStateMachineVersion,
  describeStateMachine,
  describeStateMachineAlias,
  listStateMachineAliases,
  listStateMachines,
  listStateMachineVersions,
  listTagsForResource,
  publishStateMachineVersion,
  tagResource,
  untagResource,
  updateStateMachine,
  updateStateMachineAlias,
  validateStateMachineDefinition,
} from "../../../domains/workflows/state-machine.service";
import {
  createActivity,
  deleteActivity,
  describeActivity,
  listActivities,
} from "../../../domains/workflows/activity.service";
import { testState, type TestStateMock } from "../../../domains/workflows/test-state";
import { bool, int, list, obj, sfnActions, str, wfCaller, type Handler } from "./wire";

// The Step Functions catalog on the AWS door: state machines, versions, aliases, tags, definition
// validation, TestState and activities' CRUD. Each handler reads its members and calls one use case.

type Cfg<T> = T | undefined;

const HANDLERS: Array<[string, Handler]> = [
  [
    "CreateStateMachine",
    async (ctx, i) =>
      createStateMachine(wfCaller(ctx), {
        name: str(i, "name", true),
        definition: str(i, "definition", true),
        roleArn: str(i, "roleArn", true),
        type: str(i, "type"),
        loggingConfiguration: obj(i, "loggingConfiguration") as Cfg<never>,
        tracingConfiguration: obj(i, "tracingConfiguration") as Cfg<never>,
        encryptionConfiguration: obj(i, "encryptionConfiguration") as Cfg<never>,
        tags: list(i, "tags"),
        publish: bool(i, "publish"),
        versionDescription: str(i, "versionDescription"),
      }),
  ],
  [
    "DescribeStateMachine",
    async (ctx, i) =>
      describeStateMachine(wfCaller(ctx), {
        stateMachineArn: str(i, "stateMachineArn", true),
        includedData: str(i, "includedData"),
      }),
  ],
  [
    "UpdateStateMachine",
    async (ctx, i) =>
      updateStateMachine(wfCaller(ctx), {
        stateMachineArn: str(i, "stateMachineArn", true),
        definition: str(i, "definition"),
        roleArn: str(i, "roleArn"),
        loggingConfiguration: obj(i, "loggingConfiguration") as Cfg<never>,
        tracingConfiguration: obj(i, "tracingConfiguration") as Cfg<never>,
        encryptionConfiguration: obj(i, "encryptionConfiguration") as Cfg<never>,
        publish: bool(i, "publish"),
        versionDescription: str(i, "versionDescription"),
      }),
  ],
  [
    "DeleteStateMachine",
    async (ctx, i) => {
      await deleteStateMachine(wfCaller(ctx), { stateMachineArn: str(i, "stateMachineArn", true) });
      return {};
    },
  ],
  [
    "ListStateMachines",
    async (ctx, i) =>
      listStateMachines(wfCaller(ctx), { maxResults: int(i, "maxResults"), nextToken: str(i, "nextToken") }),
  ],
  [
    "ValidateStateMachineDefinition",
    async (ctx, i) =>
      validateStateMachineDefinition(wfCaller(ctx), {
        definition: str(i, "definition", true),
        type: str(i, "type"),
        severity: str(i, "severity"),
        maxResults: int(i, "maxResults"),
      }),
  ],
  [
    "PublishStateMachineVersion",
    async (ctx, i) =>
      publishStateMachineVersion(wfCaller(ctx), {
        stateMachineArn: str(i, "stateMachineArn", true),
        revisionId: str(i, "revisionId"),
        description: str(i, "description"),
      }),
  ],
  [
    "ListStateMachineVersions",
    async (ctx, i) =>
      listStateMachineVersions(wfCaller(ctx), {
        stateMachineArn: str(i, "stateMachineArn", true),
        maxResults: int(i, "maxResults"),
        nextToken: str(i, "nextToken"),
      }),
  ],
  [
    "DeleteStateMachineVersion",
    async (ctx, i) => {
      await deleteStateMachineVersion(wfCaller(ctx), {
        stateMachineVersionArn: str(i, "stateMachineVersionArn", true),
      });
      return {};
    },
  ],
  [
    "CreateStateMachineAlias",
    async (ctx, i) =>
      createStateMachineAlias(wfCaller(ctx), {
        name: str(i, "name", true),
        description: str(i, "description"),
        routingConfiguration: list(i, "routingConfiguration", true),
      }),
  ],
  [
    "DescribeStateMachineAlias",
    async (ctx, i) =>
      describeStateMachineAlias(wfCaller(ctx), { stateMachineAliasArn: str(i, "stateMachineAliasArn", true) }),
  ],
  [
    "UpdateStateMachineAlias",
    async (ctx, i) =>
      updateStateMachineAlias(wfCaller(ctx), {
        stateMachineAliasArn: str(i, "stateMachineAliasArn", true),
        description: str(i, "description"),
        routingConfiguration: i.routingConfiguration === undefined ? undefined : list(i, "routingConfiguration"),
      }),
  ],
  [
    "DeleteStateMachineAlias",
    async (ctx, i) => {
      await deleteStateMachineAlias(wfCaller(ctx), { stateMachineAliasArn: str(i, "stateMachineAliasArn", true) });
      return {};
    },
  ],
  [
    "ListStateMachineAliases",
    async (ctx, i) =>
      listStateMachineAliases(wfCaller(ctx), {
        stateMachineArn: str(i, "stateMachineArn", true),
        maxResults: int(i, "maxResults"),
        nextToken: str(i, "nextToken"),
      }),
  ],
  [
    "TagResource",
    async (ctx, i) => {
      await tagResource(wfCaller(ctx), { resourceArn: str(i, "resourceArn", true), tags: list(i, "tags", true) });
      return {};
    },
  ],
  [
    "UntagResource",
    async (ctx, i) => {
      await untagResource(wfCaller(ctx), {
        resourceArn: str(i, "resourceArn", true),
        tagKeys: list<string>(i, "tagKeys", true),
      });
      return {};
    },
  ],
  [
    "ListTagsForResource",
    async (ctx, i) => listTagsForResource(wfCaller(ctx), { resourceArn: str(i, "resourceArn", true) }),
  ],
  [
    "CreateActivity",
    async (ctx, i) =>
      createActivity(wfCaller(ctx), {
        name: str(i, "name", true),
        tags: list(i, "tags"),
        encryptionConfiguration: obj(i, "encryptionConfiguration") as Cfg<never>,
      }),
  ],
  ["DescribeActivity", async (ctx, i) => describeActivity(wfCaller(ctx), { activityArn: str(i, "activityArn", true) })],
  [
    "DeleteActivity",
    async (ctx, i) => {
      await deleteActivity(wfCaller(ctx), { activityArn: str(i, "activityArn", true) });
      return {};
    },
  ],
  [
    "ListActivities",
    async (ctx, i) =>
      listActivities(wfCaller(ctx), { maxResults: int(i, "maxResults"), nextToken: str(i, "nextToken") }),
  ],
  [
    "TestState",
    async (ctx, i) =>
      testState(wfCaller(ctx), {
        definition: str(i, "definition", true),
        roleArn: str(i, "roleArn"),
        input: str(i, "input"),
        inspectionLevel: str(i, "inspectionLevel"),
        revealSecrets: bool(i, "revealSecrets"),
        variables: str(i, "variables"),
        stateName: str(i, "stateName"),
        mock: obj(i, "mock") as TestStateMock | undefined,
      }),
  ],
];

export const machineActions: [string, AwsAction][] = sfnActions(HANDLERS);
