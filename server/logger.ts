import pino from "pino";

// One root logger; requests and jobs take a child carrying requestId, tenantId, actor, jobId.
// Message bodies, secrets and keys are never logged: the redact list is a second line of defence.
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.SIGNALBOX_PROCESS ?? "signalbox" },
  redact: {
    paths: [
      "secret",
      "*.secret",
      "password",
      "*.password",
      "authorization",
      "*.authorization",
      "body",
      "*.body",
      "headers.authorization",
    ],
    censor: "[redacted]",
  },
});

export type Logger = typeof logger;
