import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { type AddressInfo, createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

/** A local port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The last request body the fake server recorded, as JSON. */
function lastBody(requests: Array<{ body?: unknown }>): Record<string, unknown> {
  return requests.at(-1)?.body as Record<string, unknown>;
}

describe("tacit models", () => {
  const e2e = e2eFixture();

  it("reads Anthropic's models endpoint, merges the catalog, caches, and --refresh asks again", async () => {
    const reads = e2e.server.modelListReads.length;
    const first = await e2e.run(["models", "--refresh", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(e2e.server.modelListReads.slice(reads)).toEqual(["/v1/models"]);
    const listed = JSON.parse(first.stdout) as {
      providers: Array<{ provider: string; cached: boolean; models: Array<Record<string, unknown>> }>;
    };
    const anthropic = listed.providers.find((entry) => entry.provider === "anthropic")!;
    expect(anthropic.cached).toBe(false);
    const unknown = anthropic.models.find((model) => model.ref === "anthropic/fake-model")!;
    expect(unknown.known).toBe(false);
    expect(unknown.contextWindow).toBe(128_000);
    const cachePath = path.join(e2e.workspace.home, "models-cache.json");
    expect(existsSync(cachePath)).toBe(true);
    const cache = readFileSync(cachePath, "utf8");
    expect(cache).toContain("fake-model");
    expect(cache).not.toContain("test-key");

    const again = await e2e.run(["models"]);
    expect(again.stdout).toContain("cached");
    expect(again.stdout).toContain("anthropic/fake-model  unknown — conservative defaults");
    expect(e2e.server.modelListReads.length).toBe(reads + 1);

    await e2e.run(["models", "--refresh"]);
    expect(e2e.server.modelListReads.length).toBe(reads + 2);
  });

  it("reads Gemini's model list and Ollama's tags", async () => {
    const google = await e2e.run(["models", "--provider", "google", "--refresh"], { wire: "google" });
    expect(google.code, google.stderr).toBe(0);
    expect(e2e.server.modelListReads.at(-1)).toBe("/v1beta/models");
    expect(google.stdout).toMatch(
      /google\/gemini-3\.8-flash {2}1\.05M context, 66K out, \$0\.75\/\$3\.75 per M, reasoning/,
    );

    const ollama = await e2e.run(["models", "--provider", "ollama", "--refresh"], {
      env: { OLLAMA_HOST: e2e.server.url },
    });
    expect(ollama.code, ollama.stderr).toBe(0);
    expect(e2e.server.modelListReads.at(-1)).toBe("/api/tags");
    expect(ollama.stdout).toContain("ollama/qwen3:8b");
  });

  it("a server that cannot be reached names the address tried", async () => {
    const port = await closedPort();
    const result = await e2e.run(["models", "--provider", "ollama"], {
      env: { OLLAMA_HOST: `http://127.0.0.1:${port}` },
    });
    expect(result.stdout.trim()).toBe(
      `ollama: could not list models: could not reach http://127.0.0.1:${port}/api/tags (ECONNREFUSED)`,
    );
    expect(result.code).toBe(1);
  });

  it("with no provider configured, shows the catalog and how to configure one", async () => {
    const result = await e2e.run(["models"], { env: { ANTHROPIC_API_KEY: "" } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("No provider configured yet. Set a key (ANTHROPIC_API_KEY");
    expect(result.stdout).toContain("anthropic (catalog; set ANTHROPIC_API_KEY to use)");
    expect(result.stdout).toContain("anthropic/claude-sonnet-5  1M context");
    expect(result.stdout).toContain(
      "google (catalog; set GEMINI_API_KEY or GOOGLE_GENERATIVE_AI_API_KEY to use)",
    );
    // Retiring models are not suggested to a new user.
    expect(result.stdout).not.toContain("claude-sonnet-4-5");
  });

  it("a hostile models endpoint cannot write escape sequences to the terminal or fill memory", async () => {
    let huge = false;
    const box = http.createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      if (!huge) {
        const ids = ["\u001b]0;PWNED-TITLE\u0007model-a", "\u001b[2K\u001b[1Genter your API key:"];
        return void response.end(JSON.stringify({ data: ids.map((id) => ({ id })) }));
      }
      // An endless answer: the client must stop reading, not buffer it all.
      const chunk = `{"data":[${'{"id":"x"},'.repeat(10_000)}`;
      const write = () => {
        while (response.write(chunk));
        response.once("drain", write);
      };
      response.on("error", () => undefined);
      write();
    });
    await new Promise<void>((resolve) => box.listen(0, "127.0.0.1", resolve));
    const baseURL = `http://127.0.0.1:${(box.address() as AddressInfo).port}/v1`;
    try {
      e2e.writeUserSettings({ providers: { box: { baseURL, apiKeyEnv: "BOX_KEY", api: "chat" } } });
      const listed = await e2e.run(["models", "--provider", "box", "--refresh"], { env: { BOX_KEY: "x" } });
      expect(listed.stdout).not.toContain("\u001b");
      expect(listed.stdout).toContain("\\x1b]0;PWNED-TITLE\\x07model-a");
      huge = true;
      const flooded = await e2e.run(["models", "--provider", "box", "--refresh"], { env: { BOX_KEY: "x" } });
      expect(flooded.stdout).toContain("answered with more than 8 MB; not a models list");
      expect(flooded.code).toBe(1);
    } finally {
      box.closeAllConnections();
      await new Promise((resolve) => box.close(resolve));
    }
  });

  it("a provider that fails is one line, not a crash", async () => {
    const result = await e2e.run(["models", "--provider", "openai"], { env: { OPENAI_API_KEY: "" } });
    expect(result.stdout.trim()).toBe(
      "openai: could not list models: no API key for openai: set OPENAI_API_KEY",
    );
    expect(result.code).toBe(1);
  });
});

describe("--effort on each wire", () => {
  const e2e = e2eFixture();

  it("anthropic: adaptive thinking with an effort level on Claude 5, a thinking budget on Haiku 4.5", async () => {
    const result = await e2e.print("think", ["--effort", "high"]);
    expect(result.code, result.stderr).toBe(0);
    const adaptive = lastBody(e2e.server.requests);
    // Claude 5 answers a budget with 400 "thinking.type.enabled is not supported for this model".
    expect(adaptive.thinking).toEqual({ type: "adaptive" });
    expect(adaptive.output_config).toEqual({ effort: "high" });

    const older = await e2e.print("think", ["--effort", "high", "--model", "anthropic/claude-haiku-4-5"]);
    expect(older.code, older.stderr).toBe(0);
    const budget = lastBody(e2e.server.requests);
    expect(budget.thinking).toEqual({ type: "enabled", budget_tokens: 32_768 });
    expect(budget.max_tokens as number).toBeGreaterThan(32_768);
  });

  it("openai responses: reasoning.effort", async () => {
    const result = await e2e.print("think", ["--effort", "high"], { wire: "openai-responses" });
    expect(result.code, result.stderr).toBe(0);
    expect((lastBody(e2e.server.requests).reasoning as Record<string, unknown>).effort).toBe("high");
  });

  it("xhigh: sent to GPT-5.2 and later, high to earlier GPT-5 models, the largest budget to Gemini", async () => {
    const newest = await e2e.print("think", ["--effort", "xhigh"], { wire: "openai-responses" });
    expect(newest.code, newest.stderr).toBe(0);
    expect((lastBody(e2e.server.requests).reasoning as Record<string, unknown>).effort).toBe("xhigh");
    const earlier = await e2e.print("think", ["--effort", "xhigh", "--model", "openai/gpt-5.1"], {
      wire: "openai-responses",
    });
    expect(earlier.code, earlier.stderr).toBe(0);
    // GPT-5.1 answers "xhigh" with 400: it gets its highest level.
    expect((lastBody(e2e.server.requests).reasoning as Record<string, unknown>).effort).toBe("high");
    const gemini = await e2e.print("think", ["--effort", "xhigh"], { wire: "google" });
    expect(gemini.code, gemini.stderr).toBe(0);
    const config = lastBody(e2e.server.requests).generationConfig as Record<string, unknown>;
    expect(config.thinkingConfig).toEqual({ thinkingBudget: 32_768, includeThoughts: true });
  });

  it("gemini: thinkingConfig.thinkingBudget", async () => {
    const result = await e2e.print("think", ["--effort", "low"], { wire: "google" });
    expect(result.code, result.stderr).toBe(0);
    const config = lastBody(e2e.server.requests).generationConfig as Record<string, unknown>;
    expect(config.thinkingConfig).toEqual({ thinkingBudget: 4_096, includeThoughts: true });
  });

  it("settings' effort applies; a model without reasoning ignores it with one line", async () => {
    e2e.writeUserSettings({ effort: "minimal" });
    const withSettings = await e2e.print("think");
    // Anthropic's adaptive levels have no "minimal": its least is "low".
    expect(lastBody(e2e.server.requests).output_config).toEqual({ effort: "low" });

    const plain = await e2e.print("think", ["--model", "anthropic/claude-3-haiku-20240307"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(lastBody(e2e.server.requests).thinking).toBeUndefined();
    // No flag was passed: the line names the level, not a --effort the user never typed.
    expect(plain.stderr).toContain("has no reasoning control tacit knows of; effort minimal is ignored");
    expect(withSettings.code).toBe(0);
    e2e.writeUserSettings({ effort: undefined });
  });

  it("a bad level is refused in one line", async () => {
    const result = await e2e.print("think", ["--effort", "extreme"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/effort/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("thinking", () => {
  const e2e = e2eFixture();

  it("shows as thinking in stream-json and goes back to Anthropic with its signature", async () => {
    e2e.server.enqueue(
      { reasoning: "The listing will tell me.", toolCalls: [{ name: "Glob", input: { pattern: "*" } }] },
      { text: "Done looking." },
    );
    const result = await e2e.print("look around", [
      "--effort",
      "medium",
      "--output-format",
      "stream-json",
      "--verbose",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const thinking = lines.flatMap((line) =>
      ((line.message as { content?: Array<Record<string, unknown>> } | undefined)?.content ?? []).filter(
        (part) => part.type === "thinking",
      ),
    );
    expect(thinking[0]?.thinking).toBe("The listing will tell me.");

    const second = lastBody(e2e.server.requests);
    const assistant = (
      second.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>
    ).find((message) => message.role === "assistant")!;
    expect(assistant.content[0]).toEqual({
      type: "thinking",
      thinking: "The listing will tell me.",
      signature: "fake-signature",
    });
  });

  it("a retiring model warns once, naming its successor", async () => {
    const result = await e2e.print("hi", ["--model", "anthropic/claude-sonnet-4-5"]);
    expect(result.code, result.stderr).toBe(0);
    const warnings = result.stderr.split("\n").filter((line) => line.includes("retired"));
    // "will be" or "was", by the date the suite runs on (providers/catalog.ts tests both with a fixed day).
    expect(warnings).toEqual([
      expect.stringMatching(
        /anthropic\/claude-sonnet-4-5 (will be|was) retired on 2026-11-30; use anthropic\/claude-sonnet-5 instead$/,
      ),
    ]);
  });
});
