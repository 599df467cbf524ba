import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";

// Step Functions' catalog through boto3 (1.43) and the AWS CLI, unchanged: what the README shows
// (create a machine from a file, describe, update, publish, alias, list, validate, delete, TestState)
// and AWS's error codes as those clients surface them. TestState uses the "sync-" host prefix:
// boto3 is told not to inject it (Config(inject_host_prefix=False) or
// AWS_DISABLE_HOST_PREFIX_INJECTION=true).

let web: TestProcess & { url: string };
let t: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

const BOTO_SCRIPT = `
import boto3, json, os, sys
from botocore.config import Config
kw = dict(endpoint_url=sys.argv[1] + "/api/aws", region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
sfn = boto3.client("stepfunctions", **kw)
name = sys.argv[4]
role = "arn:aws:iam::123456789012:role/StepFunctionsRole"
d1 = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": True}}})
d2 = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 2, "End": True}}})
made = sfn.create_state_machine(name=name, definition=d1, roleArn=role, tags=[{"key": "k", "value": "v"}])
arn = made["stateMachineArn"]
print("created", arn.split(":")[-1], type(made["creationDate"]).__name__)
d = sfn.describe_state_machine(stateMachineArn=arn)
print("describe", d["status"], d["type"], d["definition"] == d1, d["loggingConfiguration"]["level"])
up = sfn.update_state_machine(stateMachineArn=arn, definition=d2, publish=True, versionDescription="two")
print("update", up["stateMachineVersionArn"].split(":")[-1], len(up["revisionId"]))
alias = sfn.create_state_machine_alias(name="live", routingConfiguration=[{"stateMachineVersionArn": arn + ":1", "weight": 100}])
print("alias", alias["stateMachineAliasArn"].split(":")[-1])
print("versions", [v["stateMachineVersionArn"].split(":")[-1] for v in sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]])
print("list", [m["name"] for m in sfn.list_state_machines()["stateMachines"]] == [name])
print("tags", sfn.list_tags_for_resource(resourceArn=arn)["tags"])
v = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "X", "States": {}}))
print("validate", v["result"], v["diagnostics"][0]["code"])
try:
    sfn.describe_state_machine(stateMachineArn=arn + "-nope")
except sfn.exceptions.StateMachineDoesNotExist as e:
    print("StateMachineDoesNotExist", e.response["Error"]["Message"] == "State Machine Does Not Exist: '" + arn + "-nope'")
try:
    sfn.create_state_machine(name="bad name", definition=d1, roleArn=role)
except sfn.exceptions.InvalidName as e:
    print("InvalidName", e.response["Error"]["Message"])
try:
    sfn.create_state_machine(name=name, definition=d1, roleArn=role)
except sfn.exceptions.StateMachineAlreadyExists as e:
    print("StateMachineAlreadyExists")
ts = boto3.client("stepfunctions", config=Config(inject_host_prefix=False), **kw)
r = ts.test_state(definition=json.dumps({"Type": "Pass", "Result": {"a": 1}, "Next": "N"}), roleArn=role, input="{}")
print("test_state", r["status"], r["output"], r["nextState"])
os.environ["AWS_DISABLE_HOST_PREFIX_INJECTION"] = "true"
ts2 = boto3.client("stepfunctions", **kw)
print("test_state_env", ts2.test_state(definition=json.dumps({"Type": "Pass", "End": True}), input="[1]")["output"])
sfn.delete_state_machine_alias(stateMachineAliasArn=arn + ":live")
sfn.delete_state_machine(stateMachineArn=arn)
print("deleted", sfn.list_state_machines()["stateMachines"])
`;

describe("boto3 stepfunctions client", () => {
  it("drives the catalog and TestState and maps AWS's exceptions to boto3's classes", async () => {
    const name = uniqueName("boto");
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "python3",
        ["-c", BOTO_SCRIPT, web.url, t.key.id, t.key.secret, name],
        { timeout: 90_000 },
        (err: Error | null, stdout: string, stderr: string) =>
          err ? reject(new Error(stderr || String(err))) : resolve(stdout),
      ),
    );
    expect(out.trim().split("\n")).toEqual([
      `created ${name} datetime`,
      "describe ACTIVE STANDARD True OFF",
      "update 1 36",
      "alias live",
      "versions ['1']",
      "list True",
      "tags [{'key': 'k', 'value': 'v'}]",
      "validate FAIL SCHEMA_VALIDATION_FAILED",
      "StateMachineDoesNotExist True",
      "InvalidName Invalid Name: 'bad name'",
      "StateMachineAlreadyExists",
      'test_state SUCCEEDED {"a":1} N',
      "test_state_env [1]",
      "deleted []",
    ]);
  });
});

// Debian's AWS CLI 2.9 predates versions, aliases, ValidateStateMachineDefinition and TestState
// (its model has none of them): those are covered by the SDK and boto3 above.
describe.skipIf(!existsSync(AWS_CLI))("AWS CLI stepfunctions", () => {
  it("creates a machine from a definition, describes, updates, tags, lists and deletes it; activities", async () => {
    const cli = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, ["stepfunctions", ...args]);
    const name = uniqueName("cli");
    const definition = JSON.stringify({ StartAt: "Hello", States: { Hello: { Type: "Pass", End: true } } });
    const created = await cli([
      "create-state-machine",
      "--name",
      name,
      "--definition",
      definition,
      "--role-arn",
      "arn:aws:iam::123456789012:role/StepFunctionsRole",
      "--type",
      "EXPRESS",
      "--tags",
      "key=team,value=shop",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const made = JSON.parse(created.stdout) as { stateMachineArn: string; creationDate: string };
    expect(made.stateMachineArn).toBe(`arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:${name}`);

    const described = await cli(["describe-state-machine", "--state-machine-arn", made.stateMachineArn]);
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({ name, type: "EXPRESS", status: "ACTIVE", definition });

    const def2 = JSON.stringify({ StartAt: "Hello", States: { Hello: { Type: "Pass", Result: 2, End: true } } });
    const updated = await cli([
      "update-state-machine",
      "--state-machine-arn",
      made.stateMachineArn,
      "--definition",
      def2,
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout).updateDate).toBeTruthy();

    const tags = await cli(["list-tags-for-resource", "--resource-arn", made.stateMachineArn]);
    expect(JSON.parse(tags.stdout)).toEqual({ tags: [{ key: "team", value: "shop" }] });

    const listed = await cli(["list-state-machines"]);
    expect(JSON.parse(listed.stdout).stateMachines.map((s: { name: string }) => s.name)).toContain(name);

    const missing = await cli(["describe-state-machine", "--state-machine-arn", `${made.stateMachineArn}-missing`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("(StateMachineDoesNotExist)");
    expect(missing.stderr).toContain(`State Machine Does Not Exist: '${made.stateMachineArn}-missing'`);

    const badDef = await cli([
      "create-state-machine",
      "--name",
      uniqueName("bad"),
      "--definition",
      "{}",
      "--role-arn",
      "arn:aws:iam::123456789012:role/StepFunctionsRole",
    ]);
    expect(badDef.stderr).toContain("(InvalidDefinition)");

    const act = await cli(["create-activity", "--name", name]);
    expect(act.code, act.stderr).toBe(0);
    const activityArn = JSON.parse(act.stdout).activityArn as string;
    expect(JSON.parse((await cli(["describe-activity", "--activity-arn", activityArn])).stdout).name).toBe(name);
    await cli(["delete-activity", "--activity-arn", activityArn]);
    const actGone = await cli(["describe-activity", "--activity-arn", activityArn]);
    expect(actGone.stderr).toContain("(ActivityDoesNotExist)");

    const deleted = await cli(["delete-state-machine", "--state-machine-arn", made.stateMachineArn]);
    expect(deleted.code, deleted.stderr).toBe(0);
    const gone = await cli(["describe-state-machine", "--state-machine-arn", made.stateMachineArn]);
    expect(gone.stderr).toContain("(StateMachineDoesNotExist)");
  }, 240_000);
});
