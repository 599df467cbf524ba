import { describe, expect, it } from "vitest";
import { HANDLERS } from "./catalog";
import { CONTRACTS } from "./contracts";

// The worker runs what the catalog lists and the processes create queues from the contracts: the
// two lists must describe the same jobs, each once.
describe("job catalog", () => {
  it("has exactly one handler for every contract, and no handler without a contract", () => {
    const contractNames = CONTRACTS.map((c) => c.name);
    expect(new Set(contractNames).size).toBe(contractNames.length);
    expect(HANDLERS.map((h) => h.contract.name).sort()).toEqual([...contractNames].sort());
    for (const h of HANDLERS) expect(CONTRACTS).toContain(h.contract);
  });
});
