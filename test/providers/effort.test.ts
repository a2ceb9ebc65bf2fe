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

  it("sends xhigh where the model takes it, and each model's highest elsewhere", () => {
    const openai = (modelId: string) =>
      effortProviderOptions("xhigh", "openai-responses", lookupModel("openai", modelId), "openai")
        .providerOptions?.openai?.reasoningEffort;
    for (const id of ["gpt-5.2", "gpt-5.4-mini", "gpt-5.5", "gpt-5.1-codex-max"])
      expect(openai(id), id).toBe("xhigh");
    for (const id of ["gpt-5.1", "gpt-5", "gpt-5.1-codex", "o3"]) expect(openai(id), id).toBe("high");
    // Ollama's reasoning_effort stops at high; a GPT-5.2-or-later id on a router takes xhigh.
    const chat = (provider: string, modelId: string) =>
      effortProviderOptions("xhigh", "openai-chat", lookupModel(provider, modelId), provider)
        .providerOptions?.[provider]?.reasoningEffort;
    expect(chat("ollama", "gpt-oss:20b")).toBe("high");
    expect(chat("openrouter", "openai/gpt-5.5")).toBe("xhigh");
    expect(
      effortProviderOptions("xhigh", "anthropic", lookupModel("anthropic", "claude-sonnet-5"), "anthropic")
        .providerOptions?.anthropic,
    ).toEqual({ thinking: { type: "adaptive" }, effort: "high" });
    // Twice high's budget, under the output limit (Haiku 4.5: 64k out).
    expect(
      effortProviderOptions("xhigh", "anthropic", lookupModel("anthropic", "claude-haiku-4-5"), "anthropic")
        .providerOptions?.anthropic,
    ).toEqual({ thinking: { type: "enabled", budgetTokens: 64_000 - 4_096 } });
    expect(parseEffort("XHIGH")).toBe("xhigh");
  });
});
