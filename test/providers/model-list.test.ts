// What a provider's models endpoint says each model takes, read from a real local HTTP server
// answering as an OpenAI-compatible router (architecture.input_modalities, as OpenRouter lists) and
// as an Ollama whose /api/show fails for one model: that model is left unknown, the list still comes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchServedModels } from "../../src/providers/model-list.ts";
import { servedModel } from "../../src/providers/models-cache.ts";

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method === "GET" && request.url === "/v1/models") {
      return send(200, {
        data: [
          { id: "vendor/seeing", architecture: { input_modalities: ["text", "image"] } },
          { id: "vendor/reading", architecture: { input_modalities: ["text"] } },
          { id: "vendor/plain" },
        ],
      });
    }
    if (request.method === "GET" && request.url === "/api/tags") {
      return send(200, { models: [{ name: "llava:7b" }, { name: "broken:1b" }] });
    }
    if (request.method === "POST" && request.url === "/api/show") {
      let raw = "";
      request.on("data", (chunk) => {
        raw += chunk;
      });
      request.on("end", () => {
        const { model } = JSON.parse(raw) as { model: string };
        if (model === "broken:1b") return send(500, { error: "cannot load" });
        send(200, { capabilities: ["completion", "vision"] });
      });
      return;
    }
    send(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("fetchServedModels: what each model takes", () => {
  it("reads an OpenAI-compatible list's input modalities, and says nothing without them", async () => {
    const models = await fetchServedModels({ wire: "openai-chat", baseURL: `${base}/v1` });
    expect(models).toEqual([
      { id: "vendor/seeing", vision: true },
      { id: "vendor/reading", vision: false },
      { id: "vendor/plain" },
    ]);
  });

  it("asks Ollama's /api/show per model; one that fails to answer is left unknown", async () => {
    const models = await fetchServedModels({ wire: "openai-chat", baseURL: `${base}/v1` }, { ollama: true });
    expect(models).toEqual([{ id: "llava:7b", vision: true }, { id: "broken:1b" }]);
  });
});

describe("servedModel", () => {
  const cache = {
    providers: {
      ollama: { fetchedAt: "", baseURL: "http://host/v1", models: [{ id: "gemma3:latest", vision: true }] },
    },
  };

  it("finds a model listed at the same base URL, an untagged Ollama name as its :latest", () => {
    const target = { provider: "ollama", baseURL: "http://host/v1" };
    expect(servedModel(cache, { ...target, modelId: "gemma3" })?.vision).toBe(true);
    expect(servedModel(cache, { ...target, modelId: "gemma3:latest" })?.vision).toBe(true);
    expect(servedModel(cache, { ...target, modelId: "gemma3:27b" })).toBeUndefined();
  });

  it("ignores a list fetched from another base URL (the provider moved)", () => {
    expect(
      servedModel(cache, { provider: "ollama", modelId: "gemma3", baseURL: "http://elsewhere/v1" }),
    ).toBeUndefined();
  });
});
