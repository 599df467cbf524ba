// `npm run bench:pattern`: the event-pattern engine on its own (no database, no server).
//
// One bus with BENCH_RULES (1,000) rules shaped like real ones: a shared `source`, one of 100
// `detail-type`s, and a detail condition (exact, prefix, numeric, anything-but, wildcard, `$or`),
// of which exactly 10 match the benchmark event. Prints compilePattern ops/s, then events/s for
// PatternIndex.match (only candidate rules evaluated) against evaluating every rule (a scan), and
// checks both give the same 10 rules.
import os from "node:os";
import { performance } from "node:perf_hooks";
import { compilePattern, matchPattern, PatternIndex, type CompiledPattern } from "../server/core/events/pattern";

const RULES = Number(process.env.BENCH_RULES ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

function ruleFor(i: number): unknown {
  const type = `Order ${i % 100}`;
  const detail = [
    { status: [`s${i}`] },
    { sku: [{ prefix: `sku-${i}-` }] },
    { amount: [{ numeric: [">", i, "<=", i + 1] }] },
    { region: [{ "anything-but": [`r${i}`, "r-none"] }], id: [`id-${i}`] },
    { path: [{ wildcard: `*/orders/${i}/*` }] },
    { $or: [{ status: [`s${i}`] }, { amount: [{ numeric: ["=", i] }] }] },
  ][i % 6];
  return { source: ["shop.orders"], "detail-type": [type], detail };
}

/** Matches rules 7, 107, …, 907 (10 of 1,000): their detail-type and each kind's condition. */
const event = {
  version: "0",
  id: "b1a8b5a0-0000-4000-8000-000000000001",
  "detail-type": "Order 7",
  source: "shop.orders",
  account: "123456789012",
  time: "2026-12-02T01:00:00Z",
  region: "us-east-1",
  resources: [],
  detail: {
    status: ["s107", "s407", "s707", "s1"],
    sku: ["sku-7-blue", "sku-307-red", "sku-607-green", "sku-907-black"],
    amount: 7.5,
    region: "eu",
    id: ["id-207", "id-507", "id-807"],
    path: "/v1/orders/108/items",
    extra: { nested: [1, 2, 3] },
  },
};

function opsPerSecond(fn: () => void): number {
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let k = 0; k < 100; k++) fn();
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const sources = Array.from({ length: RULES }, (_, i) => JSON.stringify(ruleFor(i)));
let c = 0;
const compileOps = opsPerSecond(() => {
  compilePattern(sources[c++ % RULES]);
});

const compiled: CompiledPattern[] = sources.map((s) => compilePattern(s));
const index = new PatternIndex<number>();
compiled.forEach((p, i) => index.add(i, p));

const scan = () => compiled.flatMap((p, i) => (matchPattern(p, event) ? [i] : []));
const viaIndex = index.match(event);
const viaScan = scan();
if (JSON.stringify(viaIndex) !== JSON.stringify(viaScan)) {
  throw new Error(`index and scan disagree: ${JSON.stringify(viaIndex)} vs ${JSON.stringify(viaScan)}`);
}

const indexOps = opsPerSecond(() => {
  index.match(event);
});
const scanOps = opsPerSecond(() => {
  scan();
});

console.log(`event patterns: ${RULES} rules, ${viaIndex.length} match the event (${JSON.stringify(viaIndex)})`);
console.log(`  compilePattern         ${fmt(compileOps)} patterns/s`);
console.log(
  `  PatternIndex.match     ${fmt(indexOps)} events/s (${index.candidateCount(event)} of ${RULES} rules evaluated)`,
);
console.log(`  scan (every rule)      ${fmt(scanOps)} events/s`);
console.log(`  speed-up               ${(indexOps / scanOps).toFixed(1)}x`);
console.log(`  node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} x${os.cpus().length}, ${SECONDS}s per measure`);
