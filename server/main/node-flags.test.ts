import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WEB_NODE_FLAGS, nodeFlagsFor } from "./node-flags";

describe("node flags", () => {
  it("`npm run start:web` passes the same flags as the supervisor and the benchmarks", () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const script = pkg.scripts["start:web"]!;
    const flags = script.slice(script.indexOf("node ") + 5, script.indexOf(" --import")).split(" ");
    expect(flags).toEqual([...WEB_NODE_FLAGS]);
    expect(nodeFlagsFor("web")).toEqual([...WEB_NODE_FLAGS]);
    expect(nodeFlagsFor("worker")).toEqual([]);
  });

  it("this Node starts with them (an unknown flag is a bad option, exit code 9)", () => {
    const r = spawnSync(process.execPath, [...WEB_NODE_FLAGS, "-e", "process.stdout.write('up')"], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("up");
  });
});
