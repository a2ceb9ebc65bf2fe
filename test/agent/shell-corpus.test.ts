import { describe, expect, it } from "vitest";
import { labelCorpus, readCorpus } from "./shell-corpus.ts";

describe("shell-permission corpus", () => {
  it("holds at least 100 commands, each labelled allow, ask or deny", () => {
    const cases = readCorpus().flatMap((scenario) => scenario.cases);
    expect(cases.length).toBeGreaterThanOrEqual(100);
    for (const label of ["allow", "ask", "deny"]) {
      expect(cases.some((entry) => entry.label === label)).toBe(true);
    }
  });

  it("the permission gate gives every command its label", async () => {
    const results = await labelCorpus();
    const mislabelled = results.filter((result) => result.actual !== result.expected);
    // Listed whole, so one run shows every disagreement.
    expect(mislabelled).toEqual([]);
  });
});
