import { describe, expect, it } from "vitest";
import { BUILTIN_PROVIDERS } from "../../src/config/builtin-providers.ts";
import {
  catalogModels,
  deprecationOf,
  deprecationWarning,
  isRetired,
  lookupModel,
} from "../../src/providers/catalog.ts";

describe("the catalog's current models", () => {
  it("every built-in default is a known, current, reasoning model", () => {
    const defaults = BUILTIN_PROVIDERS.filter((provider) => provider.defaultModel);
    expect(defaults.length).toBeGreaterThanOrEqual(3);
    for (const provider of defaults) {
      const modelId = provider.defaultModel!;
      const info = lookupModel(provider.name, modelId);
      expect(info.known, modelId).toBe(true);
      expect(info.reasoning, modelId).toBe(true);
      expect(deprecationOf(modelId), modelId).toBeUndefined();
      expect(catalogModels().find((entry) => entry.modelId === modelId)?.deprecated).toBe(false);
    }
  });

  it("lists each provider's current flagship models", () => {
    const ids = catalogModels().map((entry) => entry.modelId);
    for (const id of ["claude-opus-5", "claude-sonnet-5", "claude-haiku-4-5", "gpt-5.5", "gpt-5.4-mini"]) {
      expect(ids).toContain(id);
    }
    expect(ids).toContain("gemini-3.8-flash");
  });

  it("a successor is itself a current catalog model", () => {
    for (const { modelId, deprecated } of catalogModels()) {
      if (!deprecated) continue;
      const successor = deprecationOf(modelId)!.successor;
      expect(lookupModel("x", successor).known, successor).toBe(true);
      expect(deprecationOf(successor), `${modelId} → ${successor}`).toBeUndefined();
    }
  });

  it("names the successor for a retiring model, dated spellings included, and nothing for a current one", () => {
    const before = new Date("2026-11-27T12:00:00Z");
    expect(deprecationWarning("anthropic", "claude-sonnet-4-5-20250929", before)).toBe(
      "anthropic/claude-sonnet-4-5-20250929 will be retired on 2026-11-30; use anthropic/claude-sonnet-5 instead",
    );
    expect(deprecationWarning("anthropic", "claude-sonnet-4-6", before)).toBeUndefined();
    expect(deprecationWarning("anthropic", "claude-sonnet-5", before)).toBeUndefined();
    // Not a prefix match across versions: claude-opus-4-8 is current though claude-opus-4 is retired.
    expect(deprecationWarning("anthropic", "claude-opus-4-8", before)).toBeUndefined();
    expect(deprecationWarning("anthropic", "claude-opus-4-20250514", before)).toContain(
      "use anthropic/claude-opus-5",
    );
  });

  it("says retired or will be retired by the date against today, and refuses nothing by itself", () => {
    const after = new Date("2026-12-01T00:00:00Z");
    expect(deprecationWarning("anthropic", "claude-sonnet-4-5", after)).toBe(
      "anthropic/claude-sonnet-4-5 was retired on 2026-11-30; use anthropic/claude-sonnet-5 instead",
    );
    // The retirement day itself: the provider no longer serves it.
    expect(isRetired("claude-sonnet-4-5", new Date("2026-11-30T08:00:00Z"))).toBe(true);
    expect(isRetired("claude-sonnet-4-5", new Date("2026-11-29T23:00:00Z"))).toBe(false);
    expect(isRetired("claude-sonnet-5", after)).toBe(false);
    // No date given: deprecated, not retired.
    expect(deprecationWarning("google", "gemini-3.5-flash", after)).toBe(
      "google/gemini-3.5-flash is deprecated; use google/gemini-3.8-flash instead",
    );
    expect(isRetired("gemini-3.5-flash", after)).toBe(false);
  });

  it("on a router names no successor id of its own spelling, only where to find one", () => {
    const before = new Date("2026-11-27T12:00:00Z");
    const line = deprecationWarning("openrouter", "anthropic/claude-sonnet-4.5", before);
    expect(line).toBe(
      "openrouter/anthropic/claude-sonnet-4.5 will be retired on 2026-11-30 by its maker; `tacit models --provider openrouter` lists what openrouter serves in its place",
    );
    expect(line).not.toContain("openrouter/claude-sonnet-5");
    // A custom provider serving Claude ids is a router too: its ids are its own.
    expect(deprecationWarning("myproxy", "claude-3-5-haiku", before)).toContain(
      "was retired on 2026-02-19 by its maker",
    );
  });

  it("an unknown id runs on conservative defaults, without a reasoning control", () => {
    const info = lookupModel("openai", "gpt-9-turbo-preview");
    expect(info.known).toBe(false);
    expect(info.reasoning).toBe(false);
    expect(info.contextWindow).toBe(128_000);
  });
});
