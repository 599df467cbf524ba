import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { runWithAwsKey } from "../helpers/aws-cli";

// The rest of Step Functions' actions through boto3's stepfunctions client, unchanged, against a web
// process and a worker: activities (create, describe, list, GetActivityTask, delete), tags, versions
// and aliases (publish, describe, update, list, delete), executions through an alias (start,
// describe, list, history, stop, redrive, DescribeStateMachineForExecution), task tokens (heartbeat,
// success, failure) and a Distributed Map's run (ListMapRuns, DescribeMapRun, UpdateMapRun). The
// catalog's other actions are in sfn-boto3-cli.test.ts, GetActivityTask's errors in
// sfn-tasks-activities.test.ts.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
});
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
});

const SCRIPT = `
import boto3, json, sys, time
kw = dict(endpoint_url=sys.argv[1] + "/api/aws", region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
sfn = boto3.client("stepfunctions", **kw)
name = sys.argv[4]
role = "arn:aws:iam::123456789012:role/StepFunctionsRole"
out = {}

def settle(arn, until=("SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT")):
    for _ in range(300):
        d = sfn.describe_execution(executionArn=arn)
        if d["status"] in until:
            return d
        time.sleep(0.1)
    raise Exception("execution did not settle: " + arn)

act = sfn.create_activity(name=name + "-work")["activityArn"]
out["activity"] = [sfn.describe_activity(activityArn=act)["name"], act in [a["activityArn"] for a in sfn.list_activities()["activities"]]]
sm = sfn.create_state_machine(name=name, roleArn=role, definition=json.dumps(
    {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": act, "End": True}}}))["stateMachineArn"]
sfn.tag_resource(resourceArn=sm, tags=[{"key": "team", "value": "orders"}, {"key": "tmp", "value": "x"}])
sfn.untag_resource(resourceArn=sm, tagKeys=["tmp"])
out["tags"] = sfn.list_tags_for_resource(resourceArn=sm)["tags"]
v1 = sfn.publish_state_machine_version(stateMachineArn=sm, description="first")["stateMachineVersionArn"]
alias = sfn.create_state_machine_alias(name="live", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
sfn.update_state_machine_alias(stateMachineAliasArn=alias, description="the live one")
da = sfn.describe_state_machine_alias(stateMachineAliasArn=alias)
out["alias"] = [da["name"], da["description"], da["routingConfiguration"][0]["stateMachineVersionArn"] == v1,
                [a["stateMachineAliasArn"] for a in sfn.list_state_machine_aliases(stateMachineArn=sm)["stateMachineAliases"]] == [alias]]

# An execution through the alias, answered by this worker: heartbeat, then success.
e1 = sfn.start_execution(stateMachineArn=alias, name="e1", input=json.dumps({"n": 1}))["executionArn"]
task = sfn.get_activity_task(activityArn=act, workerName="py-worker")
out["task_input"] = json.loads(task["input"])
sfn.send_task_heartbeat(taskToken=task["taskToken"])
sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"ok": True}))
d1 = settle(e1)
out["e1"] = [d1["status"], json.loads(d1["output"]), d1["stateMachineAliasArn"] == alias, d1["stateMachineVersionArn"] == v1]
fe = sfn.describe_state_machine_for_execution(executionArn=e1)
out["for_execution"] = [fe["name"], fe["stateMachineArn"] == sm]
out["history"] = [e["type"] for e in sfn.get_execution_history(executionArn=e1)["events"]]

# A failure sent by the worker, then a redrive that another task answers.
e2 = sfn.start_execution(stateMachineArn=sm, name="e2", input="{}")["executionArn"]
task = sfn.get_activity_task(activityArn=act, workerName="py-worker")
sfn.send_task_failure(taskToken=task["taskToken"], error="Oops", cause="the worker gave up")
d2 = settle(e2)
out["e2_failed"] = [d2["status"], d2.get("error"), d2.get("cause")]
sfn.redrive_execution(executionArn=e2)
task = sfn.get_activity_task(activityArn=act, workerName="py-worker")
sfn.send_task_success(taskToken=task["taskToken"], output="{}")
d2 = settle(e2)
out["e2_redriven"] = [d2["status"], d2["redriveCount"]]

# A stop while the task waits.
e3 = sfn.start_execution(stateMachineArn=sm, name="e3", input="{}")["executionArn"]
sfn.stop_execution(executionArn=e3, error="Manual", cause="by hand")
d3 = settle(e3)
out["e3"] = [d3["status"], d3.get("error"), d3.get("cause")]
out["succeeded"] = sorted(e["name"] for e in sfn.list_executions(stateMachineArn=sm, statusFilter="SUCCEEDED")["executions"])

# A Distributed Map's run.
mm = sfn.create_state_machine(name=name + "-map", roleArn=role, definition=json.dumps({"StartAt": "M", "States": {"M": {
    "Type": "Map", "MaxConcurrency": 2, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, "End": True}}}))["stateMachineArn"]
em = sfn.start_execution(stateMachineArn=mm, input=json.dumps([1, 2, 3]))["executionArn"]
dm = settle(em)
runs = sfn.list_map_runs(executionArn=em)["mapRuns"]
run = sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
sfn.update_map_run(mapRunArn=runs[0]["mapRunArn"], maxConcurrency=5)
out["map"] = [dm["status"], json.loads(dm["output"]), len(runs), run["status"], run["itemCounts"]["succeeded"],
              sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])["maxConcurrency"]]

# Deletions: the alias, then its version (refused while the alias routes to it), then the activity.
try:
    sfn.delete_state_machine_version(stateMachineVersionArn=v1)
    out["version_in_use"] = "deleted"
except sfn.exceptions.ConflictException:
    out["version_in_use"] = "ConflictException"
sfn.delete_state_machine_alias(stateMachineAliasArn=alias)
sfn.delete_state_machine_version(stateMachineVersionArn=v1)
out["versions_left"] = sfn.list_state_machine_versions(stateMachineArn=sm)["stateMachineVersions"]
sfn.delete_activity(activityArn=act)
try:
    sfn.describe_activity(activityArn=act)
    out["activity_after_delete"] = "found"
except sfn.exceptions.ActivityDoesNotExist:
    out["activity_after_delete"] = "ActivityDoesNotExist"
print(json.dumps(out))
`;

describe("boto3 stepfunctions client: executions, tokens, activities, aliases, map runs", () => {
  it("runs every remaining action as boto3 calls it", async () => {
    const name = uniqueName("boto-run");
    const r = await runWithAwsKey("python3", ["-c", SCRIPT, web.url, t.key.id, t.key.secret, name], t.key, {
      timeoutMs: 120_000,
    });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      activity: [`${name}-work`, true],
      tags: [{ key: "team", value: "orders" }],
      alias: ["live", "the live one", true, true],
      task_input: { n: 1 },
      e1: ["SUCCEEDED", { ok: true }, true, true],
      for_execution: [name, true],
      history: expect.arrayContaining([
        "ExecutionStarted",
        "ActivityScheduled",
        "ActivitySucceeded",
        "ExecutionSucceeded",
      ]),
      e2_failed: ["FAILED", "Oops", "the worker gave up"],
      e2_redriven: ["SUCCEEDED", 1],
      e3: ["ABORTED", "Manual", "by hand"],
      succeeded: ["e1", "e2"],
      map: ["SUCCEEDED", [1, 2, 3], 1, "SUCCEEDED", 3, 5],
      version_in_use: "ConflictException",
      versions_left: [],
      activity_after_delete: "ActivityDoesNotExist",
    });
  }, 180_000);
});
