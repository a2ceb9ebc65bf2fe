import { describe, expect, it } from "vitest";
import type { Usage } from "../../src/core/usage.ts";
import {
  DEFAULT_CONTEXT_WINDOW,
  DEFAULT_MAX_OUTPUT_TOKENS,
  familyOf,
  lookupModel,
} from "../../src/providers/catalog.ts";
import { costOf } from "../../src/providers/cost.ts";

describe("lookupModel", () => {
  it("knows current models of each provider", () => {
    const sonnet = lookupModel("anthropic", "claude-sonnet-4-5");
    expect(sonnet).toMatchObject({
      ref: "anthropic/claude-sonnet-4-5",
      provider: "anthropic",
      modelId: "claude-sonnet-4-5",
      family: "claude",
      contextWindow: 200_000,
      maxOutputTokens: 64_000,
      known: true,
    });
    expect(sonnet.price).toEqual({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
    expect(lookupModel("openai", "gpt-5").price.input).toBe(1.25);
    expect(lookupModel("openai", "o3").family).toBe("gpt");
    expect(lookupModel("google", "gemini-2.5-pro")).toMatchObject({
      family: "gemini",
      contextWindow: 1_048_576,
    });
  });

  it("matches dated and tagged ids by their longest base id", () => {
    expect(lookupModel("anthropic", "claude-sonnet-4-5-20250929").price.output).toBe(15);
    expect(lookupModel("anthropic", "claude-sonnet-4-5-20250929").known).toBe(true);
    expect(lookupModel("anthropic", "claude-3-5-haiku-latest").price.input).toBe(0.8);
    // gpt-5-mini, not gpt-5, although both are prefixes.
    expect(lookupModel("openai", "gpt-5-mini-2025-08-07").price.input).toBe(0.25);
    // claude-sonnet-4 must not swallow claude-sonnet-4-5.
    expect(lookupModel("anthropic", "claude-sonnet-4-20250514").maxOutputTokens).toBe(64_000);
    expect(lookupModel("anthropic", "claude-opus-4-1-20250805").price.input).toBe(15);
    expect(lookupModel("anthropic", "claude-opus-4-5-20251101").price.input).toBe(5);
    // A prefix that does not end at a separator is a different model.
    expect(lookupModel("openai", "gpt-5x").known).toBe(false);
  });

  it("reads router and dotted spellings", () => {
    const routed = lookupModel("openrouter", "anthropic/claude-sonnet-4.5");
    expect(routed).toMatchObject({
      family: "claude",
      known: true,
      ref: "openrouter/anthropic/claude-sonnet-4.5",
    });
    expect(routed.price.input).toBe(3);
    expect(lookupModel("openrouter", "openai/gpt-4.1-mini").price.input).toBe(0.4);
  });

  it("prices local providers at zero", () => {
    const local = lookupModel("ollama", "gpt-oss:20b");
    expect(local.known).toBe(true);
    expect(local.family).toBe("gpt");
    expect(local.price).toEqual({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 });
  });

  it("gives unknown ids conservative defaults and a family from the id", () => {
    const unknown = lookupModel("local", "qwen3-coder:30b");
    expect(unknown).toMatchObject({
      family: "other",
      contextWindow: DEFAULT_CONTEXT_WINDOW,
      maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS,
      price: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      known: false,
    });
    expect(lookupModel("anthropic", "claude-future-9").family).toBe("claude");
    expect(lookupModel("anthropic", "claude-future-9").known).toBe(false);
  });

  it("infers families from ids", () => {
    expect(familyOf("claude-whatever")).toBe("claude");
    expect(familyOf("gpt-9")).toBe("gpt");
    expect(familyOf("o7-mini")).toBe("gpt");
    expect(familyOf("codex-next")).toBe("gpt");
    expect(familyOf("gemini-9-ultra")).toBe("gemini");
    expect(familyOf("google/gemini-2.5-flash")).toBe("gemini");
    expect(familyOf("llama3.3:70b")).toBe("other");
    expect(familyOf("orca")).toBe("other");
  });

  it("returns a fresh object each time, so callers may adjust it", () => {
    const first = lookupModel("anthropic", "claude-haiku-4-5");
    first.price.input = 999;
    expect(lookupModel("anthropic", "claude-haiku-4-5").price.input).toBe(1);
  });
});

describe("costOf", () => {
  const usage = (overrides: Partial<Usage>): Usage => ({
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    ...overrides,
  });

  it("prices input and output per million tokens", () => {
    const info = lookupModel("anthropic", "claude-sonnet-4-5");
    expect(costOf(usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }), info)).toBeCloseTo(18, 10);
  });

  it("bills cached tokens at cache prices, and only the rest at the input price", () => {
    const info = lookupModel("anthropic", "claude-sonnet-4-5");
    // 100k input of which 60k read from cache and 20k written: 20k plain.
    const cost = costOf(
      usage({ inputTokens: 100_000, cacheReadTokens: 60_000, cacheWriteTokens: 20_000 }),
      info,
    );
    expect(cost).toBeCloseTo((20_000 * 3 + 60_000 * 0.3 + 20_000 * 3.75) / 1_000_000, 12);
  });

  it("costs nothing for unknown and local models", () => {
    expect(costOf(usage({ inputTokens: 5_000, outputTokens: 500 }), lookupModel("ollama", "llama3"))).toBe(0);
  });

  it("never goes negative when a provider reports cache tokens beyond input", () => {
    const info = lookupModel("openai", "gpt-5");
    expect(costOf(usage({ inputTokens: 10, cacheReadTokens: 100 }), info)).toBeCloseTo(
      (100 * 0.125) / 1_000_000,
      12,
    );
  });
});
