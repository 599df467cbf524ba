import { execFile } from "node:child_process";

/** Debian's AWS CLI 2.9 (installed by .ci/run); conformance tests skip when it is missing. */
export const AWS_CLI = "/usr/bin/aws";

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * Runs a program that speaks AWS (the AWS CLI, a boto3 script) with a tenant's key and no
 * configuration from the machine (no config or credentials files, no retries, no pager), so what it
 * prints is the server's answer alone.
 */
export function runWithAwsKey(
  cmd: string,
  args: string[],
  key: { id: string; secret: string },
  opts: { timeoutMs?: number; region?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        env: {
          NODE_ENV: "test",
          PATH: process.env.PATH,
          HOME: "/tmp",
          AWS_ACCESS_KEY_ID: key.id,
          AWS_SECRET_ACCESS_KEY: key.secret,
          AWS_DEFAULT_REGION: opts.region ?? "us-east-1",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          AWS_MAX_ATTEMPTS: "1",
          AWS_PAGER: "",
        },
        timeout: opts.timeoutMs ?? 60_000,
      },
      (err: Error | null, stdout: string, stderr: string) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs the AWS CLI against a test server with a tenant's key, JSON output (see runWithAwsKey). */
export function runAwsCli(
  endpointUrl: string,
  key: { id: string; secret: string },
  args: string[],
  timeoutMs = 60_000,
  region = "us-east-1",
): Promise<CliResult> {
  return runWithAwsKey(AWS_CLI, ["--endpoint-url", endpointUrl, "--output", "json", ...args], key, {
    timeoutMs,
    region,
  });
}
