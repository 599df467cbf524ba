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
import { testState } from "../../../domains/workflows/test-state";
import { action, m, sfnActions } from "./wire";

// The Step Functions catalog on the AWS door: state machines, versions, aliases, tags, definition
// validation, TestState and activities' CRUD. Each entry names its use case and how its members are
// read; the use cases check roles.

const empty = { empty: true } as const;
const page = { maxResults: m.int, nextToken: m.str };
const configs = { loggingConfiguration: m.config, tracingConfiguration: m.config, encryptionConfiguration: m.config };

export const machineActions: [string, AwsAction][] = sfnActions({
  CreateStateMachine: action(createStateMachine, {
    name: m.required,
    definition: m.required,
    roleArn: m.required,
    type: m.str,
    ...configs,
    tags: m.list,
    publish: m.bool,
    versionDescription: m.str,
  }),
  DescribeStateMachine: action(describeStateMachine, { stateMachineArn: m.required, includedData: m.str }),
  UpdateStateMachine: action(updateStateMachine, {
    stateMachineArn: m.required,
    definition: m.str,
    roleArn: m.str,
    ...configs,
    publish: m.bool,
    versionDescription: m.str,
  }),
  DeleteStateMachine: action(deleteStateMachine, { stateMachineArn: m.required }, empty),
  ListStateMachines: action(listStateMachines, page),
  ValidateStateMachineDefinition: action(validateStateMachineDefinition, {
    definition: m.required,
    type: m.str,
    severity: m.str,
    maxResults: m.int,
  }),
  PublishStateMachineVersion: action(publishStateMachineVersion, {
    stateMachineArn: m.required,
    revisionId: m.str,
    description: m.str,
  }),
  ListStateMachineVersions: action(listStateMachineVersions, { stateMachineArn: m.required, ...page }),
  DeleteStateMachineVersion: action(deleteStateMachineVersion, { stateMachineVersionArn: m.required }, empty),
  CreateStateMachineAlias: action(createStateMachineAlias, {
    name: m.required,
    description: m.str,
    routingConfiguration: m.requiredList,
  }),
  DescribeStateMachineAlias: action(describeStateMachineAlias, { stateMachineAliasArn: m.required }),
  UpdateStateMachineAlias: action(updateStateMachineAlias, {
    stateMachineAliasArn: m.required,
    description: m.str,
    routingConfiguration: m.optionalList,
  }),
  DeleteStateMachineAlias: action(deleteStateMachineAlias, { stateMachineAliasArn: m.required }, empty),
  ListStateMachineAliases: action(listStateMachineAliases, { stateMachineArn: m.required, ...page }),
  TagResource: action(tagResource, { resourceArn: m.required, tags: m.requiredList }, empty),
  UntagResource: action(untagResource, { resourceArn: m.required, tagKeys: m.requiredList }, empty),
  ListTagsForResource: action(listTagsForResource, { resourceArn: m.required }),
  CreateActivity: action(createActivity, { name: m.required, tags: m.list, encryptionConfiguration: m.config }),
  DescribeActivity: action(describeActivity, { activityArn: m.required }),
  DeleteActivity: action(deleteActivity, { activityArn: m.required }, empty),
  ListActivities: action(listActivities, page),
  TestState: action(testState, {
    definition: m.required,
    roleArn: m.str,
    input: m.str,
    inspectionLevel: m.str,
    revealSecrets: m.bool,
    variables: m.str,
    stateName: m.str,
    mock: m.config,
  }),
});
