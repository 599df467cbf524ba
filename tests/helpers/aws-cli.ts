import { execFile } from "node:child_process";

/** Debian's AWS CLI 2.9 (installed by .ci/run); conformance tests skip when it is missing. */
export const AWS_CLI = "/usr/bin/aws";

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * Runs the AWS CLI against a test server with a tenant's key, JSON output, no retries, no pager and
 * no configuration from the machine, so what it prints is the server's answer alone.
 */
export function runAwsCli(
  endpointUrl: string,
  key: { id: string; secret: string },
  args: string[],
  timeoutMs = 60_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ["--endpoint-url", endpointUrl, "--output", "json", ...args],
      {
        env: {
          NODE_ENV: "test",
          PATH: process.env.PATH,
          HOME: "/tmp",
          AWS_ACCESS_KEY_ID: key.id,
          AWS_SECRET_ACCESS_KEY: key.secret,
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_CONFIG_FILE: "/dev/null",
          AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
          AWS_MAX_ATTEMPTS: "1",
          AWS_PAGER: "",
        },
        timeout: timeoutMs,
      },
      (err: Error | null, stdout: string, stderr: string) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
