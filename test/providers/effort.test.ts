import { describe, expect, it } from "vitest";
import { lookupModel } from "../../src/providers/catalog.ts";
import { effortProviderOptions, parseEffort } from "../../src/providers/effort.ts";

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
});
