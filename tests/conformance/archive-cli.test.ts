import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// Archives, replays and the schema registry through clients we did not write, against a started
// server (no worker: replays stay where the API leaves them): the AWS CLI 2.9 with the commands the
// README shows (`aws events …-archive`, `aws schemas …`), and boto3.

let web: TestProcess & { url: string };
let t: TestTenant;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

const aws = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, args, 90_000);

describe.skipIf(!existsSync(AWS_CLI))("AWS CLI: archives and schemas", () => {
  it("create-archive, put-events, describe-archive; schemas create/list/export; errors by code", async () => {
    const name = uniqueName("cli-arch");
    const busArn = `arn:aws:events:us-east-1:${t.tenant.accountId}:event-bus/default`;
    const created = await aws([
      "events",
      "create-archive",
      "--archive-name",
      name,
      "--retention-days",
      "30",
      "--event-source-arn",
      busArn,
      "--event-pattern",
      '{"source":["com.shop"]}',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ State: "ENABLED" });
    const put = await aws([
      "events",
      "put-events",
      "--entries",
      '[{"Source":"com.shop","DetailType":"OrderPlaced","Detail":"{\\"total\\":250}"},{"Source":"other","DetailType":"X","Detail":"{}"}]',
    ]);
    expect(put.code, put.stderr).toBe(0);
    const d = JSON.parse((await aws(["events", "describe-archive", "--archive-name", name])).stdout);
    expect(d).toMatchObject({
      ArchiveName: name,
      EventCount: 1,
      RetentionDays: 30,
      EventPattern: '{"source":["com.shop"]}',
    });
    const missing = await aws(["events", "describe-archive", "--archive-name", "nope"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("ResourceNotFoundException");

    expect((await aws(["schemas", "create-registry", "--registry-name", "cli"])).code).toBe(0);
    const content = JSON.stringify({
      $schema: "http://json-schema.org/draft-04/schema#",
      type: "object",
      properties: { a: { type: "string" } },
    });
    const cs = await aws([
      "schemas",
      "create-schema",
      "--registry-name",
      "cli",
      "--schema-name",
      "Thing",
      "--type",
      "JSONSchemaDraft4",
      "--content",
      content,
    ]);
    expect(cs.code, cs.stderr).toBe(0);
    const list = JSON.parse((await aws(["schemas", "list-schemas", "--registry-name", "cli"])).stdout);
    expect(list.Schemas.map((s: { SchemaName: string }) => s.SchemaName)).toEqual(["Thing"]);
    const exported = JSON.parse(
      (
        await aws([
          "schemas",
          "export-schema",
          "--registry-name",
          "cli",
          "--schema-name",
          "Thing",
          "--type",
          "JSONSchemaDraft4",
        ])
      ).stdout,
    );
    expect(JSON.parse(exported.Content)).toEqual(JSON.parse(content));
    const gone = await aws(["schemas", "describe-registry", "--registry-name", "missing"]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("NotFoundException");
  });

  it("boto3: create/describe/list archives, start/describe/cancel a replay, errors by code", async () => {
    const script = `
import boto3, json, sys, datetime
c = boto3.client("events", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
bus = c.create_event_bus(Name=sys.argv[4])["EventBusArn"]
a = c.create_archive(ArchiveName=sys.argv[4], EventSourceArn=bus, RetentionDays=3)
d = c.describe_archive(ArchiveName=sys.argv[4])
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
r = c.start_replay(ReplayName=sys.argv[4], EventSourceArn=a["ArchiveArn"], EventStartTime=start,
                   EventEndTime=start + datetime.timedelta(hours=1), Destination={"Arn": bus})
cancel = c.cancel_replay(ReplayName=sys.argv[4])
dr = c.describe_replay(ReplayName=sys.argv[4])
try:
    c.describe_archive(ArchiveName="missing-" + sys.argv[4])
    err = None
except c.exceptions.ResourceNotFoundException as e:
    err = e.response["Error"]["Code"]
print(json.dumps({"state": d["State"], "count": d["EventCount"], "retention": d["RetentionDays"],
                  "replay": r["State"], "cancel": cancel["State"], "after": dr["State"],
                  "window": dr["EventStartTime"].isoformat(), "err": err,
                  "listed": [x["ArchiveName"] for x in c.list_archives(NamePrefix=sys.argv[4])["Archives"]]}))
`;
    const name = uniqueName("py");
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync("python3", ["-c", script, `${web.url}/api/aws`, t.key.id, t.key.secret, name], {
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual({
      state: "ENABLED",
      count: 0,
      retention: 3,
      replay: "STARTING",
      cancel: "CANCELLING",
      after: "CANCELLING",
      window: "2026-01-01T00:00:00+00:00",
      err: "ResourceNotFoundException",
      listed: [name],
    });
  });
});
