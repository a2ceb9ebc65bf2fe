import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import {
  ollamaHost,
  parseModelRef,
  resolveModel,
  resolveTarget,
  withDefaultPath,
  withVersionSuffix,
} from "../../src/providers/resolve.ts";

const run = promisify(execFile);

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("parseModelRef", () => {
  it("splits at the first slash, keeping slashes in the id", () => {
    expect(parseModelRef("anthropic/claude-sonnet-4-5")).toEqual({
      provider: "anthropic",
      modelId: "claude-sonnet-4-5",
    });
    expect(parseModelRef("openrouter/anthropic/claude-sonnet-4.5")).toEqual({
      provider: "openrouter",
      modelId: "anthropic/claude-sonnet-4.5",
    });
  });

  it("rejects refs without a provider or an id", () => {
    for (const ref of ["claude-sonnet-4-5", "/gpt-5", "openai/", ""]) {
      expect(configErrorOf(() => parseModelRef(ref)).message).toMatch(/provider\/model-id/);
    }
  });
});

describe("resolveTarget", () => {
  it("anthropic: key from ANTHROPIC_API_KEY; base URL with or without /v1", () => {
    const plain = resolveTarget("anthropic/claude-sonnet-4-5", { env: { ANTHROPIC_API_KEY: "sk-a" } });
    expect(plain.endpoint).toEqual({
      wire: "anthropic",
      baseURL: "https://api.anthropic.com/v1",
      apiKey: "sk-a",
      keyEnv: "ANTHROPIC_API_KEY",
    });
    expect(plain.info.family).toBe("claude");
    for (const base of [
      "http://127.0.0.1:9000",
      "http://127.0.0.1:9000/",
      "http://127.0.0.1:9000/v1",
      "http://127.0.0.1:9000/v1/",
    ]) {
      const target = resolveTarget("anthropic/claude-haiku-4-5", {
        env: { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: base },
      });
      expect(target.endpoint.baseURL).toBe("http://127.0.0.1:9000/v1");
    }
  });

  it("openai: the Responses API, base URL from OPENAI_BASE_URL", () => {
    const target = resolveTarget("openai/gpt-5", { env: { OPENAI_API_KEY: "sk-o" } });
    expect(target.endpoint).toMatchObject({
      wire: "openai-responses",
      baseURL: "https://api.openai.com/v1",
      apiKey: "sk-o",
    });
    const proxied = resolveTarget("openai/gpt-5", {
      env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://proxy:8080/openai/v1/" },
    });
    expect(proxied.endpoint.baseURL).toBe("http://proxy:8080/openai/v1");
    const bare = resolveTarget("openai/gpt-5", {
      env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://proxy:8080" },
    });
    expect(bare.endpoint.baseURL).toBe("http://proxy:8080/v1");
  });

  it("google: GEMINI_API_KEY or GOOGLE_GENERATIVE_AI_API_KEY, and GOOGLE_GEMINI_BASE_URL", () => {
    const gemini = resolveTarget("google/gemini-2.5-pro", { env: { GEMINI_API_KEY: "g1" } });
    expect(gemini.endpoint).toMatchObject({
      wire: "google",
      baseURL: "https://generativelanguage.googleapis.com/v1beta",
      apiKey: "g1",
      keyEnv: "GEMINI_API_KEY",
    });
    const other = resolveTarget("google/gemini-2.5-flash", {
      env: { GOOGLE_GENERATIVE_AI_API_KEY: "g2", GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:7000" },
    });
    expect(other.endpoint).toMatchObject({
      apiKey: "g2",
      keyEnv: "GOOGLE_GENERATIVE_AI_API_KEY",
      baseURL: "http://127.0.0.1:7000/v1beta",
    });
  });

  it("ollama: OLLAMA_HOST in any of its forms, through /v1, no key needed", () => {
    expect(resolveTarget("ollama/qwen3-coder", { env: {} }).endpoint).toEqual({
      wire: "openai-chat",
      baseURL: "http://127.0.0.1:11434/v1",
    });
    expect(resolveTarget("ollama/llama3", { env: { OLLAMA_HOST: "gpu-box:11500" } }).endpoint.baseURL).toBe(
      "http://gpu-box:11500/v1",
    );
    expect(ollamaHost("0.0.0.0")).toBe("http://127.0.0.1:11434");
    expect(ollamaHost("http://localhost")).toBe("http://localhost:11434");
    expect(ollamaHost("https://ollama.example.com/")).toBe("https://ollama.example.com");
    expect(ollamaHost("http://10.0.0.2:8000")).toBe("http://10.0.0.2:8000");
  });

  it("openrouter and lmstudio", () => {
    const routed = resolveTarget("openrouter/anthropic/claude-sonnet-4.5", {
      env: { OPENROUTER_API_KEY: "or" },
    });
    expect(routed.endpoint).toMatchObject({
      wire: "openai-chat",
      baseURL: "https://openrouter.ai/api/v1",
      apiKey: "or",
    });
    expect(routed.info).toMatchObject({
      family: "claude",
      modelId: "anthropic/claude-sonnet-4.5",
      known: true,
    });
    expect(resolveTarget("lmstudio/qwen2.5-coder", { env: {} }).endpoint).toEqual({
      wire: "openai-chat",
      baseURL: "http://127.0.0.1:1234/v1",
    });
    expect(
      resolveTarget("lmstudio/x", { env: { LMSTUDIO_BASE_URL: "http://box:4321/v1/" } }).endpoint.baseURL,
    ).toBe("http://box:4321/v1");
  });

  it("custom OpenAI-compatible endpoints from settings, with model overrides", () => {
    const providers = {
      vllm: {
        baseURL: "http://gpu:8000/v1/",
        apiKeyEnv: "VLLM_KEY",
        models: { "qwen3-coder": { contextWindow: 262_144, maxOutputTokens: 16_384 } },
      },
      azure: {
        baseURL: "https://example.openai.azure.com/openai/v1",
        apiKey: "inline",
        api: "responses" as const,
      },
      open: { baseURL: "http://127.0.0.1:5000/v1" },
    };
    const vllm = resolveTarget("vllm/qwen3-coder", { env: { VLLM_KEY: "v" }, providers });
    expect(vllm.endpoint).toEqual({
      wire: "openai-chat",
      baseURL: "http://gpu:8000/v1",
      apiKey: "v",
      keyEnv: "VLLM_KEY",
    });
    expect(vllm.info).toMatchObject({ contextWindow: 262_144, maxOutputTokens: 16_384, known: false });
    const azure = resolveTarget("azure/gpt-5", { env: {}, providers });
    expect(azure.endpoint).toMatchObject({ wire: "openai-responses", apiKey: "inline" });
    expect(azure.info.price.input).toBe(1.25);
    expect(resolveTarget("open/anything", { env: {}, providers }).endpoint.apiKey).toBeUndefined();
    expect(configErrorOf(() => resolveTarget("vllm/qwen3-coder", { env: {}, providers })).message).toBe(
      "no API key for vllm: set VLLM_KEY",
    );
  });

  it("a settings entry under a built-in name moves it but keeps its wire", () => {
    const target = resolveTarget("anthropic/claude-sonnet-4-5", {
      env: { CORP_KEY: "c" },
      providers: { anthropic: { baseURL: "https://gateway.corp", apiKeyEnv: "CORP_KEY" } },
    });
    expect(target.endpoint).toEqual({
      wire: "anthropic",
      baseURL: "https://gateway.corp/v1",
      apiKey: "c",
      keyEnv: "CORP_KEY",
    });
  });

  it("a missing key is one line naming the env var", () => {
    expect(configErrorOf(() => resolveTarget("anthropic/claude-sonnet-4-5", { env: {} })).message).toBe(
      "no API key for anthropic: set ANTHROPIC_API_KEY",
    );
    expect(
      configErrorOf(() => resolveTarget("openai/gpt-5", { env: { OPENAI_API_KEY: "  " } })).message,
    ).toBe("no API key for openai: set OPENAI_API_KEY");
    expect(configErrorOf(() => resolveTarget("google/gemini-2.5-pro", { env: {} })).message).toContain(
      "GEMINI_API_KEY",
    );
    expect(configErrorOf(() => resolveTarget("openrouter/x/y", { env: {} })).message).toContain(
      "OPENROUTER_API_KEY",
    );
  });

  it("an unknown provider lists the known ones, settings entries included", () => {
    const error = configErrorOf(() =>
      resolveTarget("mistral/codestral", { env: {}, providers: { vllm: { baseURL: "http://x/v1" } } }),
    );
    expect(error.message).toContain('unknown provider "mistral"');
    expect(error.message).toContain("anthropic, openai, google, ollama, openrouter, lmstudio, vllm");
    expect(error.message).not.toContain("\n");
  });

  it("a bad base URL is a clear error", () => {
    expect(
      configErrorOf(() =>
        resolveTarget("openai/gpt-5", { env: { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "not a url" } }),
      ).message,
    ).toContain("not a valid base URL");
  });
});

describe("URL helpers", () => {
  it("adds a version suffix once", () => {
    expect(withVersionSuffix("https://a.b", "/v1")).toBe("https://a.b/v1");
    expect(withVersionSuffix("https://a.b/v1//", "/v1")).toBe("https://a.b/v1");
    expect(withDefaultPath("https://a.b/", "/v1")).toBe("https://a.b/v1");
    expect(withDefaultPath("https://a.b/api", "/v1")).toBe("https://a.b/api");
  });
});

describe("resolveModel", () => {
  it("returns a client carrying the model info", () => {
    const client = resolveModel("anthropic/claude-sonnet-4-5-20250929", { env: { ANTHROPIC_API_KEY: "k" } });
    expect(client.info).toMatchObject({
      ref: "anthropic/claude-sonnet-4-5-20250929",
      family: "claude",
      known: true,
    });
    expect(typeof client.stream).toBe("function");
  });

  it("loads no AI SDK code until the first request (startup stays fast)", async () => {
    const node = path.resolve("node_modules/.bin/node");
    const script = `
      import { registerHooks } from "node:module";
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) { loaded.push(specifier); return next(specifier, context); } });
      const { resolveModel } = await import(${JSON.stringify(path.resolve("src/providers/resolve.ts"))});
      resolveModel("openai/gpt-5", { env: { OPENAI_API_KEY: "k" } });
      console.log(JSON.stringify(loaded.filter((s) => s === "ai" || s.startsWith("@ai-sdk/"))));
    `;
    const { stdout } = await run(node, ["--input-type=module", "-e", script]);
    expect(JSON.parse(stdout.trim())).toEqual([]);
  });
});
