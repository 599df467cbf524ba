import {
  SFNClient,
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
  type SFNServiceException,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// Step Functions' state machine catalog through @aws-sdk/client-sfn against a started Signalbox:
// create (idempotent for an identical request), describe, list with paging, update (new revision),
// delete, ValidateStateMachineDefinition, and AWS's exception names and messages.

let web: TestProcess & { url: string };
let a: TestTenant;
let b: TestTenant;
let sfn: SFNClient;
let sfnB: SFNClient;

const ROLE = "arn:aws:iam::123456789012:role/StepFunctionsRole";
const PASS = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });
const PASS2 = JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", Result: { ok: 1 }, End: true } } });

function client(t: TestTenant) {
  return new SFNClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
  web = await startWeb();
  sfn = client(a);
  sfnB = client(b);
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

const smArn = (t: TestTenant, name: string) => `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:${name}`;

describe("state machines", () => {
  it("creates, describes, updates, lists and deletes a state machine", async () => {
    const name = uniqueName("sm");
    const created = await sfn.send(
      new CreateStateMachineCommand({ name, definition: PASS, roleArn: ROLE, tags: [{ key: "team", value: "shop" }] }),
    );
    expect(created.stateMachineArn).toBe(smArn(a, name));
    expect(created.creationDate).toBeInstanceOf(Date);
    expect(created.stateMachineVersionArn).toBeUndefined();

    const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(d).toMatchObject({
      stateMachineArn: created.stateMachineArn,
      name,
      status: "ACTIVE",
      definition: PASS,
      roleArn: ROLE,
      type: "STANDARD",
      loggingConfiguration: { level: "OFF", includeExecutionData: false },
      tracingConfiguration: { enabled: false },
      encryptionConfiguration: { type: "AWS_OWNED_KEY" },
    });
    expect(d.creationDate!.getTime()).toBe(created.creationDate!.getTime());
    expect(d.revisionId).toBeUndefined();

    const up = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: PASS2 }),
    );
    expect(up.updateDate).toBeInstanceOf(Date);
    expect(up.revisionId).toMatch(/^[0-9a-f-]{36}$/);
    const d2 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(d2.definition).toBe(PASS2);
    expect(d2.revisionId).toBe(up.revisionId);
    // Same content again: same revision.
    const same = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: PASS2 }),
    );
    expect(same.revisionId).toBe(up.revisionId);
    const role2 = "arn:aws:iam::123456789012:role/Other";
    const up2 = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, roleArn: role2 }),
    );
    expect(up2.revisionId).not.toBe(up.revisionId);
    expect(
      (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }))).roleArn,
    ).toBe(role2);

    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines).toEqual([
      { stateMachineArn: created.stateMachineArn, name, type: "STANDARD", creationDate: created.creationDate },
    ]);
    // Another tenant sees nothing of it.
    expect((await sfnB.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    const other = await errorOf(
      sfnB.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
    );
    expect(other.name).toBe("StateMachineDoesNotExist");

    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    const gone = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })));
    expect(gone.name).toBe("StateMachineDoesNotExist");
    expect(gone.message).toBe(`State Machine Does Not Exist: '${created.stateMachineArn}'`);
    expect(gone.$metadata.httpStatusCode).toBe(400);
    // Deleting again succeeds, as on AWS.
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
  });

  it("answers an identical CreateStateMachine with the existing machine and a different one with StateMachineAlreadyExists", async () => {
    const name = uniqueName("idem");
    const first = await sfn.send(
      new CreateStateMachineCommand({ name, definition: PASS, roleArn: ROLE, type: "EXPRESS" }),
    );
    const again = await sfn.send(
      new CreateStateMachineCommand({ name, definition: PASS, roleArn: "arn:aws:iam::1:role/x", type: "EXPRESS" }),
    );
    expect(again.stateMachineArn).toBe(first.stateMachineArn);
    expect(again.creationDate!.getTime()).toBe(first.creationDate!.getTime());
    const dup = await errorOf(
      sfn.send(new CreateStateMachineCommand({ name, definition: PASS2, roleArn: ROLE, type: "EXPRESS" })),
    );
    expect(dup.name).toBe("StateMachineAlreadyExists");
    expect(dup.message).toBe(`State Machine Already Exists: '${first.stateMachineArn}'`);
    expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }))).type).toBe(
      "EXPRESS",
    );
  });

  it("pages ListStateMachines with maxResults and nextToken", async () => {
    const t = await createTestTenant();
    const c = client(t);
    const names = ["p-a", "p-b", "p-c"];
    for (const name of names) await c.send(new CreateStateMachineCommand({ name, definition: PASS, roleArn: ROLE }));
    const p1 = await c.send(new ListStateMachinesCommand({ maxResults: 2 }));
    expect(p1.stateMachines!.map((s) => s.name)).toEqual(["p-a", "p-b"]);
    expect(p1.nextToken).toBeTruthy();
    const p2 = await c.send(new ListStateMachinesCommand({ maxResults: 2, nextToken: p1.nextToken }));
    expect(p2.stateMachines!.map((s) => s.name)).toEqual(["p-c"]);
    expect(p2.nextToken).toBeUndefined();
    const bad = await errorOf(c.send(new ListStateMachinesCommand({ nextToken: "nope" })));
    expect(bad).toMatchObject({ name: "InvalidToken", message: "Invalid Token: 'nope'" });
    const big = await errorOf(c.send(new ListStateMachinesCommand({ maxResults: 1001 })));
    expect(big.name).toBe("ValidationException");
    expect(big.message).toBe(
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  it("refuses bad input with AWS's exceptions and changes nothing", async () => {
    const bad = await errorOf(
      sfn.send(new CreateStateMachineCommand({ name: "a b", definition: PASS, roleArn: ROLE })),
    );
    expect(bad).toMatchObject({ name: "InvalidName", message: "Invalid Name: 'a b'" });
    const long = await errorOf(
      sfn.send(new CreateStateMachineCommand({ name: "x".repeat(81), definition: PASS, roleArn: ROLE })),
    );
    expect(long.name).toBe("ValidationException");
    expect(long.message).toContain(
      "at 'name' failed to satisfy constraint: Member must have length less than or equal to 80",
    );
    const def = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName("bad"),
          definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" } } }),
          roleArn: ROLE,
        }),
      ),
    );
    expect(def.name).toBe("InvalidDefinition");
    expect(def.message).toBe(
      "Invalid State Machine Definition: ''MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next', 'MISSING_END_STATE: Workflow has no terminal state''",
    );
    const role = await errorOf(
      sfn.send(new CreateStateMachineCommand({ name: uniqueName("r"), definition: PASS, roleArn: "role" })),
    );
    expect(role).toMatchObject({ name: "InvalidArn", message: "Invalid Arn: 'Invalid ARN prefix: role'" });
    const type = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName("t"),
          definition: PASS,
          roleArn: ROLE,
          type: "FAST" as never,
        }),
      ),
    );
    expect(type.name).toBe("ValidationException");
    expect(type.message).toBe(
      "1 validation error detected: Value 'FAST' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]",
    );
    // Model constraints come first and together, before the service's own checks (InvalidName).
    const both = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: "bad name",
          definition: PASS,
          roleArn: ROLE,
          type: "FAST" as never,
          versionDescription: "d".repeat(257),
          publish: true,
        }),
      ),
    );
    expect(both.name).toBe("ValidationException");
    expect(both.message).toBe(
      "2 validation errors detected: Value 'FAST' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]; Value at 'versionDescription' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
    const activityArn = `arn:aws:states:us-east-1:${a.tenant.accountId}:activity:x`;
    const wrongKind = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: activityArn })));
    expect(wrongKind).toMatchObject({
      name: "InvalidArn",
      message: "Invalid Arn: 'Resource type not valid in this context: activity'",
    });
    const prefix = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: "nope" })));
    expect(prefix).toMatchObject({ name: "InvalidArn", message: "Invalid Arn: 'Invalid ARN prefix: nope'" });
    const missing = await errorOf(
      sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn(a, uniqueName("none")), definition: PASS })),
    );
    expect(missing.name).toBe("StateMachineDoesNotExist");
    const nothing = await errorOf(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn(a, "x") })));
    expect(nothing.name).toBe("MissingRequiredParameter");
    expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.map((s) => s.name)).not.toContain("a b");
  });

  it("lets a viewer key read the catalog but not change it", async () => {
    const viewer = await createTestTenant({ keyRole: "viewer" });
    const c = client(viewer);
    expect((await c.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    const denied = await errorOf(
      c.send(new CreateStateMachineCommand({ name: uniqueName("v"), definition: PASS, roleArn: ROLE })),
    );
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect((await c.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
  });

  it("speaks AWS JSON 1.0 on the wire: epoch-second timestamps and Step Functions' error shapes", async () => {
    const call = async (action: string, body: unknown) => {
      const r = await fetch(`${web.url}/api/aws`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${a.key.id}.${a.key.secret}`,
          "x-amz-target": `AWSStepFunctions.${action}`,
          "content-type": "application/x-amz-json-1.0",
        },
        body: JSON.stringify(body),
      });
      return {
        status: r.status,
        type: r.headers.get("content-type"),
        json: (await r.json()) as Record<string, unknown>,
      };
    };
    const name = uniqueName("wire");
    const made = await call("CreateStateMachine", { name, definition: PASS, roleArn: ROLE });
    expect(made.status).toBe(200);
    expect(made.type).toBe("application/x-amz-json-1.0");
    expect(Object.keys(made.json)).toEqual(["stateMachineArn", "creationDate"]);
    expect(typeof made.json.creationDate).toBe("number");
    const missing = await call("DescribeStateMachine", { stateMachineArn: smArn(a, `${name}-x`) });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      __type: "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist",
      message: `State Machine Does Not Exist: '${smArn(a, `${name}-x`)}'`,
    });
    const invalid = await call("DescribeStateMachine", {});
    expect(invalid.json).toEqual({
      __type: "com.amazon.coral.validate#ValidationException",
      message:
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
    });
    const wrongType = await call("ListStateMachines", { maxResults: "ten" });
    expect(wrongType.status).toBe(400);
    expect(String(wrongType.json.__type)).toMatch(/#SerializationException$/);
  });

  it("validates definitions with ValidateStateMachineDefinition", async () => {
    const ok = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: PASS }));
    expect(ok).toMatchObject({ result: "OK", diagnostics: [], truncated: false });
    const broken = JSON.stringify({
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "B" }, C: { Type: "Pass", End: true } },
    });
    const fail = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: broken }));
    expect(fail.result).toBe("FAIL");
    expect(fail.diagnostics).toContainEqual({
      severity: "ERROR",
      code: "MISSING_TRANSITION_TARGET",
      message: "Missing 'Next' target: B",
      location: "/States/A/Next",
    });
    const one = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: broken, maxResults: 1 }));
    expect(one.diagnostics).toHaveLength(1);
    expect(one.truncated).toBe(fail.diagnostics!.length > 1);
    const warnDef = JSON.stringify({
      StartAt: "A",
      States: { A: { Type: "Pass", Parameters: { "x.$": "nodollar" }, End: true } },
    });
    const errorsOnly = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: warnDef }));
    const withWarnings = await sfn.send(
      new ValidateStateMachineDefinitionCommand({ definition: warnDef, severity: "WARNING" }),
    );
    expect(withWarnings.diagnostics!.length).toBeGreaterThanOrEqual(errorsOnly.diagnostics!.length);
    expect(errorsOnly.diagnostics!.every((d) => d.severity === "ERROR")).toBe(true);
  });
});
