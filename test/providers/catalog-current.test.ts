import { describe, expect, it } from "vitest";
import { BUILTIN_PROVIDERS } from "../../src/config/builtin-providers.ts";
import {
  catalogModels,
  deprecationOf,
  deprecationWarning,
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
    expect(deprecationWarning("anthropic", "claude-sonnet-4-5-20250929")).toBe(
      "anthropic/claude-sonnet-4-5-20250929 is deprecated (retired by anthropic on 2026-11-30); use anthropic/claude-sonnet-5 instead",
    );
    expect(deprecationWarning("anthropic", "claude-sonnet-4-6")).toBeUndefined();
    expect(deprecationWarning("anthropic", "claude-sonnet-5")).toBeUndefined();
    // Not a prefix match across versions: claude-opus-4-8 is current though claude-opus-4 is retired.
    expect(deprecationWarning("anthropic", "claude-opus-4-8")).toBeUndefined();
    expect(deprecationWarning("anthropic", "claude-opus-4-20250514")).toContain(
      "use anthropic/claude-opus-5",
    );
  });

  it("an unknown id runs on conservative defaults, without a reasoning control", () => {
    const info = lookupModel("openai", "gpt-9-turbo-preview");
    expect(info.known).toBe(false);
    expect(info.reasoning).toBe(false);
    expect(info.contextWindow).toBe(128_000);
  });
});
