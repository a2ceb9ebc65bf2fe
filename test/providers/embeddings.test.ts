import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AbortedError, ConfigError, ProviderError } from "../../src/core/errors.ts";
import { cosineSimilarity } from "../../src/memory/search/embedder.ts";
import { resolveEmbedder } from "../../src/providers/embeddings.ts";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { conceptEmbedding } from "../fake-server/wire-openai-embeddings.ts";

function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveEmbedder", () => {
  let server: FakeServer;
  const openaiEnv = () => ({
    OPENAI_BASE_URL: `${server.url}/v1`,
    OPENAI_API_KEY: "test-key",
    TACIT_RETRY_BASE_MS: "1",
  });

  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.errors.length = 0;
  });

  it("embeds through the OpenAI SDK against the OpenAI embeddings wire", async () => {
    const embedder = resolveEmbedder("openai/text-embedding-3-small", { env: openaiEnv() });
    expect(embedder.model).toBe("openai/text-embedding-3-small");
    const [car, automobile, database] = await embedder.embed([
      "the car",
      "an automobile",
      "postgres migration",
    ]);
    expect(car).toBeInstanceOf(Float32Array);
    expect(car!.length).toBe(256);
    expect(cosineSimilarity(car!, automobile!)).toBeGreaterThan(0.9);
    expect(cosineSimilarity(car!, database!)).toBeLessThan(0.2);
    expect(server.errors).toEqual([]);
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.wire).toBe("openai-embeddings");
    expect(request.path).toBe("/v1/embeddings");
    expect(request.headers.authorization).toBe("Bearer test-key");
    expect(request.body.model).toBe("text-embedding-3-small");
    expect(request.body.input).toEqual(["the car", "an automobile", "postgres migration"]);
  });

  it("sends at most batchSize texts per request and keeps the order", async () => {
    const embedder = resolveEmbedder("openai/text-embedding-3-small", { env: openaiEnv(), batchSize: 64 });
    const texts = Array.from(
      { length: 130 },
      (_, index) => `note ${index} about ${index % 2 ? "car" : "tests"}`,
    );
    const vectors = await embedder.embed(texts);
    expect(server.requests.map((request) => request.body.input.length)).toEqual([64, 64, 2]);
    expect(vectors).toHaveLength(130);
    for (const index of [0, 63, 64, 129]) {
      expect(Array.from(vectors[index]!)).toEqual(
        Array.from(Float32Array.from(conceptEmbedding(texts[index]!))),
      );
    }
  });

  it("reaches an OpenAI-compatible provider from settings, and Ollama without a key", async () => {
    const custom = resolveEmbedder("local/nomic-embed-text", {
      env: { LOCAL_KEY: "local-key" },
      providers: { local: { baseURL: `${server.url}/v1`, apiKeyEnv: "LOCAL_KEY" } },
    });
    expect(await custom.embed(["deploy the release"])).toHaveLength(1);
    const ollama = resolveEmbedder("ollama/nomic-embed-text", { env: { OLLAMA_HOST: server.url } });
    expect(await ollama.embed(["ship it"])).toHaveLength(1);
    expect(server.requests.map((request) => [request.path, request.body.model])).toEqual([
      ["/v1/embeddings", "nomic-embed-text"],
      ["/v1/embeddings", "nomic-embed-text"],
    ]);
    expect(server.requests[0]!.headers.authorization).toBe("Bearer local-key");
    expect(server.requests[1]!.headers.authorization).toBeUndefined();
  });

  it("says in one line which key is missing, and rejects refs it cannot use", () => {
    expect(configErrorOf(() => resolveEmbedder("openai/text-embedding-3-small", { env: {} })).message).toBe(
      'memory.embeddingModel "openai/text-embedding-3-small": no API key for openai: set OPENAI_API_KEY',
    );
    expect(configErrorOf(() => resolveEmbedder("text-embedding-3-small", { env: {} })).message).toMatch(
      /^memory\.embeddingModel must look like provider\/model-id/,
    );
    expect(
      configErrorOf(() => resolveEmbedder("anthropic/claude", { env: { ANTHROPIC_API_KEY: "k" } })).message,
    ).toMatch(/anthropic has no embedding models/);
    expect(configErrorOf(() => resolveEmbedder("nowhere/model", { env: {} })).message).toMatch(
      /^memory\.embeddingModel "nowhere\/model": unknown provider "nowhere"/,
    );
    // Google resolves without loading anything or touching the network.
    expect(resolveEmbedder("google/text-embedding-004", { env: { GEMINI_API_KEY: "k" } }).model).toBe(
      "google/text-embedding-004",
    );
  });

  it("retries a server error, then succeeds", async () => {
    server.failEmbeddings({ kind: "status", status: 500 });
    const embedder = resolveEmbedder("openai/text-embedding-3-small", { env: openaiEnv() });
    expect(await embedder.embed(["the car"])).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it("turns a rejected key into one ProviderError line, without retrying", async () => {
    server.failEmbeddings({ kind: "status", status: 401 });
    const embedder = resolveEmbedder("openai/text-embedding-3-small", { env: openaiEnv() });
    const error = await embedder.embed(["the car"]).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toMatch(
      /^openai\/text-embedding-3-small: embedding failed: 401 Unauthorized \(check OPENAI_API_KEY\): /,
    );
    expect((error as ProviderError).message).not.toContain("\n");
    expect(server.requests).toHaveLength(1);
  });

  it("gives up after the retry budget with the attempts counted", async () => {
    server.failEmbeddings(...Array.from({ length: 2 }, () => ({ kind: "status" as const, status: 503 })));
    const embedder = resolveEmbedder("openai/text-embedding-3-small", {
      env: openaiEnv(),
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    await expect(embedder.embed(["x"])).rejects.toThrow(/503 Service Unavailable after 2 attempts/);
    expect(server.requests).toHaveLength(2);
  });

  it("makes one request when the caller asks for one attempt, even for a retryable failure", async () => {
    server.failEmbeddings({ kind: "status", status: 503 });
    const embedder = resolveEmbedder("openai/text-embedding-3-small", { env: openaiEnv() });
    // Retried, the second request would have succeeded.
    await expect(embedder.embed(["x"], { maxAttempts: 1 })).rejects.toThrow(
      /503 Service Unavailable after 1 attempt:/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a refused connection when asked for one attempt", async () => {
    const closed = await startFakeServer();
    const url = closed.url;
    await closed.close();
    const embedder = resolveEmbedder("openai/text-embedding-3-small", {
      env: { OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: "k", TACIT_RETRY_BASE_MS: "1" },
    });
    await expect(embedder.embed(["x"], { maxAttempts: 1 })).rejects.toThrow(/after 1 attempt:/);
    await expect(embedder.embed(["x"], { maxAttempts: 2 })).rejects.toThrow(/after 2 attempts:/);
  });

  it("says in one line that a web page answered, without retrying it (a captive portal)", async () => {
    let requests = 0;
    const portal = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end("<!DOCTYPE html><html><body>Accept the terms to continue</body></html>");
    });
    await new Promise<void>((resolve) => portal.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = portal.address() as AddressInfo;
      const embedder = resolveEmbedder("openai/text-embedding-3-small", {
        env: {
          OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
          OPENAI_API_KEY: "k",
          TACIT_RETRY_BASE_MS: "1",
        },
      });
      const error = await embedder.embed(["x"]).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).message).toMatch(
        /^openai\/text-embedding-3-small: embedding failed: http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings answered 200 with text\/html.*Accept the terms/,
      );
      expect(requests).toBe(1);
    } finally {
      await new Promise((resolve) => portal.close(resolve));
    }
  });

  it("stops at once when its signal is aborted", async () => {
    const embedder = resolveEmbedder("openai/text-embedding-3-small", { env: openaiEnv() });
    await expect(embedder.embed(["x"], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
  });
});
