// The Gemini wire's own rules: the key in a header or the query, SSE only via
// ?alt=sse, Google's error shape, function responses paired with calls by name
// in the next user turn, and thought signatures that must travel back.
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { APICallError, generateText, isStepCount, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeServer, startFakeServer } from "./server.ts";

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const generatePath = "/v1beta/models/gemini-2.5-pro:generateContent";

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { "x-goog-api-key": "k" },
) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests reach into Gemini reply fields freely.
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

const user = (text: string) => ({ role: "user", parts: [{ text }] });
const calls = (...names: string[]) => ({
  role: "model",
  parts: names.map((name) => ({ functionCall: { name, args: { name } } })),
});
const answers = (...names: string[]) => ({
  role: "user",
  parts: names.map((name) => ({ functionResponse: { name, response: { name, content: `${name} done` } } })),
});

describe("google wire over raw HTTP", () => {
  it("takes the key from x-goog-api-key or ?key=, and rejects a request with neither", async () => {
    const body = { contents: [user("hi")] };
    expect((await post(generatePath, body)).status).toBe(200);
    expect((await post(`/models/gemini-2.5-pro:generateContent?key=k`, body, {})).status).toBe(200);
    const missing = await post(generatePath, body, {});
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      error: {
        code: 400,
        message: "missing x-goog-api-key header (or key query parameter)",
        status: "INVALID_ARGUMENT",
      },
    });
    expect(server.errors).toHaveLength(1);
  });

  it("speaks streaming only as SSE", async () => {
    const response = await post("/v1beta/models/gemini-2.5-pro:streamGenerateContent", {
      contents: [user("hi")],
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toBe("streamGenerateContent needs ?alt=sse");
  });

  it("answers a JSON reply with text, thoughts, a signed call and usage", async () => {
    server.enqueue({
      reasoning: "thinking",
      text: "reading",
      toolCalls: [{ name: "read_file", input: { path: "a" } }],
      usage: { inputTokens: 11, outputTokens: 5 },
    });
    const response = await post(generatePath, { contents: [user("go")] });
    const candidate = response.json.candidates[0];
    expect(candidate.finishReason).toBe("STOP");
    expect(candidate.content.parts[0]).toEqual({ text: "thinking", thought: true });
    expect(candidate.content.parts[1]).toEqual({ text: "reading" });
    expect(candidate.content.parts[2].functionCall).toEqual({ name: "read_file", args: { path: "a" } });
    expect(candidate.content.parts[2].thoughtSignature).toBeTypeOf("string");
    expect(response.json.usageMetadata).toEqual({
      promptTokenCount: 11,
      candidatesTokenCount: 5,
      totalTokenCount: 16,
    });
    expect(response.json.modelVersion).toBe("gemini-2.5-pro");
  });

  it("pairs id-less function responses with the calls of the model turn before, by name and order", async () => {
    const response = await post(generatePath, {
      contents: [
        user("go"),
        calls("read_file", "list_dir", "read_file"),
        answers("list_dir", "read_file", "read_file"),
      ],
    });
    expect(response.status).toBe(200);
    const [, model, results] = server.requests[0]!.normalized.messages;
    const callIds = model!.toolCalls.map((call) => call.id);
    expect(new Set(callIds).size).toBe(3);
    expect(results!.toolResults.map((result) => [result.id, result.output])).toEqual([
      [callIds[1], "list_dir done"],
      [callIds[0], "read_file done"],
      [callIds[2], "read_file done"],
    ]);
    expect(server.errors).toEqual([]);
  });

  it("rejects a function response whose name no call in the model turn before has", async () => {
    const response = await post(generatePath, {
      contents: [user("go"), calls("read_file"), answers("write_file")],
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('no functionCall "write_file" in the model turn before');
    expect(server.errors).toHaveLength(1);
  });

  it("rejects a call that the next user turn leaves unanswered, even if answered later", async () => {
    const response = await post(generatePath, {
      contents: [
        user("go"),
        calls("read_file"),
        user("never mind"),
        calls("list_dir"),
        answers("read_file", "list_dir"),
      ],
    });
    expect(response.status).toBe(400);
    // The late answer names no call of the turn just before it.
    expect(response.json.error.message).toContain(
      'unknown tool call id read_file (no functionCall "read_file" in the model turn before)',
    );
  });

  it("rejects a function response sent in a model turn", async () => {
    const response = await post(generatePath, {
      contents: [user("go"), { role: "model", parts: [{ functionResponse: { name: "x", response: {} } }] }],
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain("functionResponse outside a user turn");
  });

  it("stalls after some text without a finish reason, until the client gives up", async () => {
    server.enqueue({ fault: { kind: "stall", afterText: "half" } });
    const abort = new AbortController();
    const response = await fetch(`${server.url}/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "x-goog-api-key": "k" },
      body: JSON.stringify({ contents: [user("hi")] }),
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const textOf = (raw: string) => [...raw.matchAll(/"text":"([^"]*)"/g)].map((match) => match[1]).join("");
    let received = "";
    // The stream never ends by itself; read until the partial text is in.
    while (textOf(received) !== "half") {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    abort.abort();
    expect(textOf(received)).toBe("half");
    expect(received).not.toContain("finishReason");
  });
});

describe("google wire through the real SDK", () => {
  const model = () =>
    createGoogleGenerativeAI({ baseURL: `${server.url}/v1beta`, apiKey: "x" })("gemini-2.5-pro");
  const readFile = tool({
    description: "Read a file",
    inputSchema: z.object({ path: z.string() }),
    execute: async ({ path }) => `contents of ${path}`,
  });

  it("sends the call's thought signature back with it on the follow-up", async () => {
    server.enqueue({ toolCalls: [{ name: "read_file", input: { path: "a.ts" } }] }, { text: "It says hi." });
    const result = streamText({
      model: model(),
      system: "be brief",
      prompt: "read a.ts",
      tools: { read_file: readFile },
      stopWhen: isStepCount(3),
      maxRetries: 0,
    });
    expect(await result.text).toBe("It says hi.");
    expect(server.errors).toEqual([]);
    expect(server.requests).toHaveLength(2);
    const first = server.requests[0]!;
    expect(first.path).toBe("/v1beta/models/gemini-2.5-pro:streamGenerateContent");
    expect(first.headers["x-goog-api-key"]).toBe("x");
    expect(first.body.systemInstruction).toEqual({ parts: [{ text: "be brief" }] });
    expect(first.normalized.toolNames).toEqual(["read_file"]);
    const followUp = server.requests[1]!.body.contents;
    const modelTurn = followUp.find((content: { role: string }) => content.role === "model");
    expect(modelTurn.parts[0].functionCall).toMatchObject({ name: "read_file", args: { path: "a.ts" } });
    expect(Buffer.from(modelTurn.parts[0].thoughtSignature, "base64").toString()).toMatch(
      /^fake-thought-signature-\d+$/,
    );
    expect(followUp.at(-1).parts[0].functionResponse).toMatchObject({
      name: "read_file",
      response: { name: "read_file", content: "contents of a.ts" },
    });
  });

  it("reads thoughts as reasoning in a JSON reply", async () => {
    server.enqueue({ reasoning: "let me think", text: "42" });
    const result = await generateText({ model: model(), prompt: "answer", maxRetries: 0 });
    expect(result.text).toBe("42");
    expect(result.reasoningText).toBe("let me think");
    expect(server.requests[0]!.path).toBe(generatePath);
  });

  it("fails with a 400 when a call is answered under another name, so it is left unanswered", async () => {
    // The SDK checks that ids pair up; Gemini pairs by name, so a result that
    // keeps the id but names another function leaves the call unanswered.
    let caught: unknown;
    try {
      await generateText({
        model: model(),
        maxRetries: 0,
        messages: [
          { role: "user", content: "go" },
          {
            role: "assistant",
            content: [{ type: "tool-call", toolCallId: "c1", toolName: "read_file", input: { path: "x" } }],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: "c1",
                toolName: "list_dir",
                output: { type: "text", value: "1" },
              },
            ],
          },
        ],
      });
    } catch (error) {
      caught = error;
    }
    expect(APICallError.isInstance(caught)).toBe(true);
    expect((caught as APICallError).statusCode).toBe(400);
    expect((caught as APICallError).message).toContain('no functionCall "list_dir" in the model turn before');
    expect(server.errors).toHaveLength(1);
    expect(server.requests[0]!.rejection).toContain("c1");
  });

  it("surfaces a 429 in Google's error shape as a retryable error", async () => {
    server.enqueue({ fault: { kind: "status", status: 429, retryAfter: "2" } });
    const result = streamText({ model: model(), prompt: "hi", maxRetries: 0, onError: () => {} });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);
    const error = errors[0] as APICallError;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(429);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toBe("fake fault: status 429");
    expect(JSON.parse(error.responseBody ?? "{}").error.status).toBe("RESOURCE_EXHAUSTED");
  });
});
