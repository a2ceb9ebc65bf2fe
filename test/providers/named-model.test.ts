import { describe, expect, it } from "vitest";
import { lookupModel } from "../../src/providers/catalog.ts";
import { namedModelRef } from "../../src/providers/named-model.ts";

describe("a model named in a Claude Code agent or command file", () => {
  const claude = lookupModel("anthropic", "claude-sonnet-5");
  const gpt = lookupModel("openai", "gpt-5.5");

  it("means the current model when it names none, inherit or default", () => {
    for (const named of [undefined, "", "inherit", "default", " Inherit "]) {
      expect(namedModelRef(named, claude), String(named)).toBeUndefined();
    }
  });

  it("takes Claude Code's aliases to the newest current model of the tier at a Claude provider", () => {
    expect(namedModelRef("haiku", claude)).toBe("anthropic/claude-haiku-4-5");
    expect(namedModelRef("Sonnet", claude)).toBe("anthropic/claude-sonnet-5");
    expect(namedModelRef("opus", claude)).toBe("anthropic/claude-opus-5");
    // A file written for Claude Code still runs on GPT: the alias means the current model there.
    expect(namedModelRef("haiku", gpt)).toBeUndefined();
  });

  it("puts a bare id at the current provider of its family, else at its maker's", () => {
    expect(namedModelRef("claude-haiku-4-5-20251001", claude)).toBe("anthropic/claude-haiku-4-5-20251001");
    expect(namedModelRef("claude-haiku-4-5-20251001", gpt)).toBe("anthropic/claude-haiku-4-5-20251001");
    expect(namedModelRef("gpt-5.4-mini", claude)).toBe("openai/gpt-5.4-mini");
    const local = lookupModel("ollama", "qwen3:8b");
    expect(namedModelRef("llama3.2", local)).toBe("ollama/llama3.2");
  });

  it("keeps provider/model-id as written", () => {
    expect(namedModelRef("openrouter/anthropic/claude-sonnet-4.5", claude)).toBe(
      "openrouter/anthropic/claude-sonnet-4.5",
    );
  });
});
