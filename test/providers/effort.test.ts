import { describe, expect, it } from "vitest";
import { lookupModel } from "../../src/providers/catalog.ts";
import { effortProviderOptions, parseEffort, takesAdaptiveThinking } from "../../src/providers/effort.ts";

describe("effort on OpenAI's Responses API", () => {
  it("sends none for minimal to GPT-5.1 and later, which dropped minimal; GPT-5 keeps minimal", () => {
    const options = (modelId: string, level: string) =>
      effortProviderOptions(parseEffort(level), "openai-responses", lookupModel("openai", modelId), "openai")
        .providerOptions?.openai?.reasoningEffort;
    expect(options("gpt-5.5", "minimal")).toBe("none");
    expect(options("gpt-5.4-mini", "minimal")).toBe("none");
    expect(options("gpt-5", "minimal")).toBe("minimal");
    expect(options("gpt-5.5", "high")).toBe("high");
  });

  it("keeps Anthropic's budget under the model's output limit", () => {
    const small = effortProviderOptions(
      "high",
      "anthropic",
      lookupModel("anthropic", "claude-opus-4-1"),
      "anthropic",
    );
    const thinking = small.providerOptions?.anthropic?.thinking as { budgetTokens: number };
    expect(thinking.budgetTokens).toBe(32_000 - 4_096);
  });

  it("sends Claude 4.6 and later an adaptive level, which reject a budget; earlier ones a budget", () => {
    const anthropic = (modelId: string, level: string) =>
      effortProviderOptions(parseEffort(level), "anthropic", lookupModel("anthropic", modelId), "anthropic")
        .providerOptions?.anthropic;
    expect(anthropic("claude-sonnet-5", "high")).toEqual({ thinking: { type: "adaptive" }, effort: "high" });
    expect(anthropic("claude-sonnet-5", "minimal")).toEqual({
      thinking: { type: "adaptive" },
      effort: "low",
    });
    expect(anthropic("claude-haiku-4-5", "low")).toEqual({
      thinking: { type: "enabled", budgetTokens: 4_096 },
    });
    for (const id of ["claude-opus-4-8", "claude-sonnet-4-6", "claude-fable-5", "claude-opus-5-20261101"])
      expect(takesAdaptiveThinking(id)).toBe(true);
    for (const id of [
      "claude-haiku-4-5-20251001",
      "claude-opus-4-1",
      "claude-3-7-sonnet-20250219",
      "my-claude",
    ])
      expect(takesAdaptiveThinking(id)).toBe(false);
  });
});
