import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "./server.ts";
import { conceptEmbedding, EMBEDDING_DIMENSIONS } from "./wire-openai-embeddings.ts";

function cosine(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * right[index]!, 0);
}

describe("fake server: OpenAI embeddings", () => {
  let server: FakeServer;

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

  const post = (body: unknown) =>
    fetch(`${server.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("answers in the OpenAI format, records the request, and consumes no scripted chat reply", async () => {
    server.enqueue({ text: "kept for the model" });
    const response = await post({ model: "text-embedding-3-small", input: ["a car", "tests"] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      model: string;
      data: Array<{ object: string; index: number; embedding: number[] }>;
      usage: { prompt_tokens: number };
    };
    expect(body.object).toBe("list");
    expect(body.model).toBe("text-embedding-3-small");
    expect(body.data.map((entry: { object: string; index: number }) => [entry.object, entry.index])).toEqual([
      ["embedding", 0],
      ["embedding", 1],
    ]);
    expect(body.data[0]!.embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(server.requests[0]!.wire).toBe("openai-embeddings");
    expect(server.requests[0]!.normalized.messages[0]!.text).toBe("a car\ntests");
    // The queued chat reply is still there for the next model request.
    const chat = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(JSON.stringify(await chat.json())).toContain("kept for the model");
  });

  it("places texts that share a concept close, and unrelated texts far apart", () => {
    const car = conceptEmbedding("who takes care of the car policy?");
    const insurance = conceptEmbedding("automobile insurance renewal is handled by the finance team");
    const kafka = conceptEmbedding("kafka consumer lag is checked on the lag dashboard");
    expect(cosine(car, car)).toBeCloseTo(1, 6);
    expect(cosine(car, insurance)).toBeGreaterThan(0.5);
    expect(cosine(car, kafka)).toBeLessThan(0.1);
  });

  it("rejects malformed requests with a 400 in OpenAI's error shape", async () => {
    for (const [body, reason] of [
      ["{not json", "body is not valid JSON"],
      [{ input: ["x"] }, "model is required"],
      [{ model: "m", input: [] }, "input must be a non-empty string or array of strings"],
      [{ model: "m", input: [[1, 2]] }, "input must contain strings only"],
      [{ model: "m", input: "x", encoding_format: "base64" }, "encoding_format base64 is not supported"],
    ] as const) {
      const response = await post(body);
      expect(response.status).toBe(400);
      const parsed = (await response.json()) as { error: { type: string; message: string } };
      expect(parsed.error.type).toBe("invalid_request_error");
      expect(parsed.error.message).toContain(reason);
    }
    expect(server.errors).toHaveLength(5);
  });

  it("answers scripted faults for embeddings only", async () => {
    server.failEmbeddings({ kind: "status", status: 429, retryAfter: "0" });
    const failed = await post({ model: "m", input: "x" });
    expect(failed.status).toBe(429);
    expect(failed.headers.get("retry-after")).toBe("0");
    expect((await post({ model: "m", input: "x" })).status).toBe(200);
  });
});
