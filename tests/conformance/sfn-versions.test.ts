import {
  SFNClient,
  CreateActivityCommand,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeActivityCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ListActivitiesCommand,
  ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand,
  ListTagsForResourceCommand,
  PublishStateMachineVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  type SFNServiceException,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// Versions, aliases, tags and activities through @aws-sdk/client-sfn: publishing (idempotent per
// revision, revisionId check), describing a version, aliases' weighted routing and its checks,
// deleting a version an alias routes to (ConflictException), deleting a machine with its versions
// and aliases, TagResource's 50-tag limit, activities' CRUD.

let web: TestProcess & { url: string };
let a: TestTenant;
let sfn: SFNClient;

const ROLE = "arn:aws:iam::123456789012:role/StepFunctionsRole";
const def = (n: number) => JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", Result: n, End: true } } });

beforeAll(async () => {
  a = await createTestTenant();
  web = await startWeb();
  sfn = new SFNClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: a.key.id, secretAccessKey: a.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await web?.stop();
});

async function errorOf(p: Promise<unknown>): Promise<SFNServiceException> {
  try {
    await p;
  } catch (e) {
    return e as SFNServiceException;
  }
  throw new Error("expected the call to fail");
}

describe("versions and aliases", () => {
  it("publishes versions, routes an alias over two of them and refuses what AWS refuses", async () => {
    const name = uniqueName("ver");
    const made = await sfn.send(
      new CreateStateMachineCommand({
        name,
        definition: def(1),
        roleArn: ROLE,
        publish: true,
        versionDescription: "first",
      }),
    );
    const arn = made.stateMachineArn!;
    expect(made.stateMachineVersionArn).toBe(`${arn}:1`);
    const v1 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:1` }));
    expect(v1).toMatchObject({ stateMachineArn: `${arn}:1`, name, definition: def(1), description: "first" });

    // The same revision again: the same version.
    const again = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, description: "first" }));
    expect(again.stateMachineVersionArn).toBe(`${arn}:1`);

    const up = await sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn: arn,
        definition: def(2),
        publish: true,
        versionDescription: "2nd",
      }),
    );
    expect(up.stateMachineVersionArn).toBe(`${arn}:2`);
    const v2 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:2` }));
    expect(v2).toMatchObject({ definition: def(2), revisionId: up.revisionId, description: "2nd" });

    const stale = await errorOf(
      sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: "not-the-current" })),
    );
    expect(stale.name).toBe("ConflictException");
    const ok = await sfn.send(
      new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: up.revisionId, description: "2nd" }),
    );
    expect(ok.stateMachineVersionArn).toBe(`${arn}:2`);

    // A version keeps the logging configuration of its revision.
    const logGroupArn = "arn:aws:logs:us-east-1:123456789012:log-group:sfn:*";
    const logged = await sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn: arn,
        loggingConfiguration: { level: "ERROR", destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }] },
      }),
    );
    expect(logged.revisionId).not.toBe(up.revisionId);
    expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).loggingConfiguration).toEqual({
      level: "ERROR",
      includeExecutionData: false,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }],
    });
    expect(
      (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:2` }))).loggingConfiguration,
    ).toEqual({ level: "OFF", includeExecutionData: false });
    const noDest = await errorOf(
      sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, loggingConfiguration: { level: "ALL" } })),
    );
    expect(noDest.name).toBe("InvalidLoggingConfiguration");

    const upd3 = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: def(3) }));
    const v3 = await sfn.send(
      new PublishStateMachineVersionCommand({ stateMachineArn: arn, revisionId: upd3.revisionId }),
    );
    expect(v3.stateMachineVersionArn).toBe(`${arn}:3`);

    const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 2 }));
    expect(versions.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${arn}:3`, `${arn}:2`]);
    const rest = await sfn.send(
      new ListStateMachineVersionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: versions.nextToken }),
    );
    expect(rest.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${arn}:1`]);
    expect(rest.nextToken).toBeUndefined();

    const alias = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: "live",
        description: "canary",
        routingConfiguration: [
          { stateMachineVersionArn: `${arn}:1`, weight: 90 },
          { stateMachineVersionArn: `${arn}:2`, weight: 10 },
        ],
      }),
    );
    expect(alias.stateMachineAliasArn).toBe(`${arn}:live`);
    // Identical again: the same alias; different: ConflictException.
    const same = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: "live",
        description: "canary",
        routingConfiguration: [
          { stateMachineVersionArn: `${arn}:2`, weight: 10 },
          { stateMachineVersionArn: `${arn}:1`, weight: 90 },
        ],
      }),
    );
    expect(same.creationDate!.getTime()).toBe(alias.creationDate!.getTime());
    const differs = await errorOf(
      sfn.send(
        new CreateStateMachineAliasCommand({
          name: "live",
          routingConfiguration: [{ stateMachineVersionArn: `${arn}:3`, weight: 100 }],
        }),
      ),
    );
    expect(differs.name).toBe("ConflictException");
    const sum = await errorOf(
      sfn.send(
        new CreateStateMachineAliasCommand({
          name: "bad",
          routingConfiguration: [
            { stateMachineVersionArn: `${arn}:1`, weight: 50 },
            { stateMachineVersionArn: `${arn}:2`, weight: 20 },
          ],
        }),
      ),
    );
    expect(sum).toMatchObject({
      name: "ValidationException",
      message: "Sum of routing configuration weights must be equal to 100.",
    });
    const three = await errorOf(
      sfn.send(
        new CreateStateMachineAliasCommand({
          name: "bad",
          routingConfiguration: [1, 2, 3].map((n) => ({ stateMachineVersionArn: `${arn}:${n}`, weight: 33 })),
        }),
      ),
    );
    expect(three.name).toBe("ValidationException");
    expect(three.message).toContain(
      "at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2",
    );
    const noVersion = await errorOf(
      sfn.send(
        new CreateStateMachineAliasCommand({
          name: "bad",
          routingConfiguration: [{ stateMachineVersionArn: `${arn}:9`, weight: 100 }],
        }),
      ),
    );
    expect(noVersion).toMatchObject({ name: "ResourceNotFound", message: `Resource not found: '${arn}:9'` });

    const described = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:live` }));
    expect(described).toMatchObject({
      stateMachineAliasArn: `${arn}:live`,
      name: "live",
      description: "canary",
      routingConfiguration: [
        { stateMachineVersionArn: `${arn}:1`, weight: 90 },
        { stateMachineVersionArn: `${arn}:2`, weight: 10 },
      ],
    });
    expect(described.updateDate).toBeInstanceOf(Date);

    const inUse = await errorOf(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` })));
    expect(inUse.name).toBe("ConflictException");
    expect(inUse.message).toContain("[live]");

    await sfn.send(
      new UpdateStateMachineAliasCommand({
        stateMachineAliasArn: `${arn}:live`,
        routingConfiguration: [{ stateMachineVersionArn: `${arn}:3`, weight: 100 }],
      }),
    );
    expect(
      (await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:live` })))
        .routingConfiguration,
    ).toEqual([{ stateMachineVersionArn: `${arn}:3`, weight: 100 }]);
    await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${arn}:1` }));
    const v1gone = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:1` })));
    expect(v1gone.name).toBe("StateMachineDoesNotExist");

    const aliases = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: arn }));
    expect(aliases.stateMachineAliases!.map((x) => x.stateMachineAliasArn)).toEqual([`${arn}:live`]);
    const toV3 = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: `${arn}:3` }));
    expect(toV3.stateMachineAliases).toHaveLength(1);
    const toV2 = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: `${arn}:2` }));
    expect(toV2.stateMachineAliases).toEqual([]);

    await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:live` }));
    const aliasGone = await errorOf(
      sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:live` })),
    );
    expect(aliasGone.name).toBe("ResourceNotFound");

    // Deleting the machine takes its versions along.
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    const vGone = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${arn}:3` })));
    expect(vGone.name).toBe("StateMachineDoesNotExist");
  });
});

describe("tags", () => {
  it("tags, lists and untags state machines and activities; 50 tags at most", async () => {
    const made = await sfn.send(
      new CreateStateMachineCommand({
        name: uniqueName("tag"),
        definition: def(1),
        roleArn: ROLE,
        tags: [{ key: "a", value: "1" }],
      }),
    );
    const arn = made.stateMachineArn!;
    await sfn.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: "b", value: "2" },
          { key: "a", value: "x" },
        ],
      }),
    );
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: "a", value: "x" },
      { key: "b", value: "2" },
    ]);
    await sfn.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["a", "zzz"] }));
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: "b", value: "2" },
    ]);
    const many = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    const tooMany = await errorOf(sfn.send(new TagResourceCommand({ resourceArn: arn, tags: many })));
    expect(tooMany.name).toBe("TooManyTags");
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toHaveLength(1);

    const act = await sfn.send(
      new CreateActivityCommand({ name: uniqueName("act"), tags: [{ key: "t", value: "1" }] }),
    );
    expect((await sfn.send(new ListTagsForResourceCommand({ resourceArn: act.activityArn }))).tags).toEqual([
      { key: "t", value: "1" },
    ]);
    const missing = `arn:aws:states:us-east-1:${a.tenant.accountId}:stateMachine:${uniqueName("none")}`;
    const nf = await errorOf(sfn.send(new ListTagsForResourceCommand({ resourceArn: missing })));
    expect(nf).toMatchObject({ name: "ResourceNotFound", message: `Resource not found: '${missing}'` });
  });
});

describe("activities", () => {
  it("creates (idempotently), describes, lists and deletes activities", async () => {
    const name = uniqueName("worker");
    const made = await sfn.send(new CreateActivityCommand({ name }));
    expect(made.activityArn).toBe(`arn:aws:states:us-east-1:${a.tenant.accountId}:activity:${name}`);
    const again = await sfn.send(new CreateActivityCommand({ name }));
    expect(again).toMatchObject({ activityArn: made.activityArn, creationDate: made.creationDate });
    const d = await sfn.send(new DescribeActivityCommand({ activityArn: made.activityArn }));
    expect(d).toMatchObject({
      activityArn: made.activityArn,
      name,
      encryptionConfiguration: { type: "AWS_OWNED_KEY" },
    });
    const listed = await sfn.send(new ListActivitiesCommand({}));
    expect(listed.activities!.map((x) => x.name)).toContain(name);
    const badName = await errorOf(sfn.send(new CreateActivityCommand({ name: "no/slash" })));
    expect(badName).toMatchObject({ name: "InvalidName", message: "Invalid Name: 'no/slash'" });
    await sfn.send(new DeleteActivityCommand({ activityArn: made.activityArn }));
    const gone = await errorOf(sfn.send(new DescribeActivityCommand({ activityArn: made.activityArn })));
    expect(gone).toMatchObject({
      name: "ActivityDoesNotExist",
      message: `Activity Does Not Exist: '${made.activityArn}'`,
    });
    const wrong = await errorOf(
      sfn.send(
        new DescribeActivityCommand({ activityArn: `arn:aws:states:us-east-1:${a.tenant.accountId}:stateMachine:x` }),
      ),
    );
    expect(wrong).toMatchObject({
      name: "InvalidArn",
      message: "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
    });
  });
});
