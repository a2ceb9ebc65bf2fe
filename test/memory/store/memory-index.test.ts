import { describe, expect, it } from "vitest";
import {
  estimateTokens,
  type IndexEntry,
  MEMORY_GUIDANCE,
  renderMemoryIndex,
} from "../../../src/memory/memory-index.ts";

function entry(scope: IndexEntry["scope"], name: string, day: number, stale = false): IndexEntry {
  return {
    scope,
    name,
    type: "pattern",
    description: `Description of ${name} that is reasonably long to take up some room in the index`,
    updated: new Date(Date.UTC(2026, 0, day)).toISOString(),
    stale,
  };
}

describe("memory index", () => {
  it("groups by scope, one line per memory, marks stale ones", () => {
    const { text, shown, omitted } = renderMemoryIndex([
      entry("local", "notes", 3),
      entry("user", "use-pnpm", 1),
      entry("project", "deploy-steps", 2, true),
    ]);
    expect(shown).toBe(3);
    expect(omitted).toBe(0);
    const lines = text.split("\n");
    expect(lines.findIndex((line) => line.startsWith("user"))).toBeLessThan(
      lines.findIndex((line) => line.startsWith("project")),
    );
    expect(text).toContain("- deploy-steps [pattern, stale]: Description of deploy-steps");
    expect(text).toContain("- use-pnpm [pattern]: ");
    expect(text).not.toMatch(/left out/);
  });

  it("is deterministic: the same entries in any order give the same bytes", () => {
    const entries = [
      entry("user", "a", 1),
      entry("project", "b", 2),
      entry("local", "c", 3),
      entry("user", "d", 4),
    ];
    const first = renderMemoryIndex(entries, { budgetTokens: 60 }).text;
    const second = renderMemoryIndex([...entries].reverse(), { budgetTokens: 60 }).text;
    expect(second).toBe(first);
  });

  it("keeps under the budget by dropping the least recently used and says how many were left out", () => {
    const entries = Array.from({ length: 200 }, (_, index) =>
      entry("user", `memory-${String(index).padStart(3, "0")}`, index + 1),
    );
    const result = renderMemoryIndex(entries, { budgetTokens: 500 });
    expect(result.tokens).toBeLessThanOrEqual(500);
    expect(estimateTokens(result.text)).toBe(result.tokens);
    expect(result.shown + result.omitted).toBe(200);
    expect(result.omitted).toBeGreaterThan(0);
    expect(result.text).toContain(`(${result.omitted} more memories left out to fit the budget`);
    expect(result.text).toMatch(/view or search/);
    // The newest survive, the oldest go.
    expect(result.text).toContain("memory-199");
    expect(result.text).not.toContain("memory-000");
    // The default budget is 1,500 tokens for everything.
    expect(renderMemoryIndex(entries).tokens).toBeLessThanOrEqual(1500);
  });

  it("prefers a caller's last-used time over updated", () => {
    const entries = [entry("user", "old-but-used", 1), entry("user", "new-unused", 9)];
    const lastUsed = new Map([["user/old-but-used", Date.UTC(2026, 5, 1)]]);
    const budget = estimateTokens(renderMemoryIndex(entries).text) - 2;
    const result = renderMemoryIndex(entries, { budgetTokens: budget, lastUsed });
    expect(result.omitted).toBe(1);
    expect(result.text).toContain("old-but-used");
    expect(result.text).not.toContain("new-unused");
  });

  it("says when there are no memories, and the guidance stays short and complete", () => {
    expect(renderMemoryIndex([]).text).toMatch(/no memories yet/);
    expect(MEMORY_GUIDANCE.length).toBeLessThanOrEqual(1200);
    for (const phrase of [
      "user =",
      "project =",
      "local =",
      "secrets",
      "never overrides",
      "check it still exists",
    ]) {
      expect(MEMORY_GUIDANCE).toContain(phrase);
    }
  });
});
