#!/usr/bin/env node
// `npx signalbox …`: the operator CLI. The commands are TypeScript (server/cli/index.ts); Node 20
// cannot strip types, so this runs them with tsx's loader, resolved from this package so the CLI
// works from any directory.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "server", "cli", "index.ts");
const tsx = import.meta.resolve("tsx");

// Without an explicit data folder, use the package's own (the one `npm start` uses), whatever the
// current directory is.
const env = { ...process.env };
if (!env.SIGNALBOX_DATA_DIR) env.SIGNALBOX_DATA_DIR = path.join(root, ".data");

const child = spawn(process.execPath, ["--import", tsx, entry, ...process.argv.slice(2)], { stdio: "inherit", env });
// Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to this pid alone
// is passed on, so the child can stop an embedded database it started.
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    if (child.exitCode === null) child.kill(sig);
  });
}
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 1) : 1));
});
