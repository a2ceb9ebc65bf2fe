import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { modelsToOffer } from "../../src/cli/model-offers.ts";

describe("what /model offers", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), "tacit-offers-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  function cache(providers: Record<string, { baseURL: string; ids: string[] }>): void {
    mkdirSync(home, { recursive: true });
    const entries = Object.fromEntries(
      Object.entries(providers).map(([name, list]) => [
        name,
        {
          fetchedAt: new Date().toISOString(),
          baseURL: list.baseURL,
          models: list.ids.map((id) => ({ id })),
        },
      ]),
    );
    writeFileSync(path.join(home, "models-cache.json"), JSON.stringify({ providers: entries }));
  }

  it("a local server's own models, and no catalog model without a key", () => {
    cache({ ollama: { baseURL: "http://127.0.0.1:11434/v1", ids: ["qwen3:8b", "gpt-oss:20b"] } });
    const offered = modelsToOffer("ollama/qwen3:8b", { env: {}, settings: {}, home });
    expect(offered).toEqual(["ollama/qwen3:8b", "ollama/gpt-oss:20b"]);
  });

  it("the catalog of each provider with a key, what it listed, and not a list taken at another address", () => {
    cache({
      anthropic: {
        baseURL: "https://api.anthropic.com/v1",
        ids: ["claude-sonnet-5", "claude-internal-7", "claude-3-5-haiku-20241022"],
      },
      // Listed through a proxy that is no longer configured: its ids may not exist at the provider now used.
      openai: { baseURL: "http://proxy.example/v1", ids: ["gpt-proxy-only"] },
    });
    const offered = modelsToOffer("anthropic/claude-sonnet-5", {
      env: { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k" },
      settings: { providers: { mine: { baseURL: "http://127.0.0.1:8000/v1", models: { "coder-7b": {} } } } },
      home,
    });
    expect(offered[0]).toBe("anthropic/claude-sonnet-5");
    expect(offered).toContain("anthropic/claude-internal-7");
    expect(offered).toContain("anthropic/claude-opus-5");
    expect(offered).toContain("openai/gpt-5.5");
    expect(offered).toContain("mine/coder-7b");
    expect(offered).not.toContain("openai/gpt-proxy-only");
    // Retired and retiring models are not offered, from the list or the catalog.
    expect(offered).not.toContain("anthropic/claude-3-5-haiku-20241022");
    expect(offered).not.toContain("anthropic/claude-sonnet-4-5");
    expect(offered.some((ref) => ref.startsWith("google/"))).toBe(false);
    expect(new Set(offered).size).toBe(offered.length);
  });
});
