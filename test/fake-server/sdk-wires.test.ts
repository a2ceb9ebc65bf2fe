// Drives each wire format with the real AI SDK providers against the fake
// server: what the SDK parses is what a real provider's stream would give.
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, isStepCount, type LanguageModel, streamText, tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type FakeServer, startFakeServer, type Wire } from "./server.ts";

// The SDK warns on unknown model ids; that noise says nothing about the server.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const modelFor: Record<Wire, (url: string) => LanguageModel> = {
  anthropic: (url) => createAnthropic({ baseURL: `${url}/v1`, apiKey: "x" })("claude-fake"),
  "openai-responses": (url) => createOpenAI({ baseURL: `${url}/v1`, apiKey: "x" }).responses("gpt-5"),
  "openai-chat": (url) => createOpenAICompatible({ baseURL: `${url}/v1`, name: "x" }).chatModel("m"),
  google: (url) => createGoogleGenerativeAI({ baseURL: `${url}/v1beta`, apiKey: "x" })("gemini-2.5-pro"),
};

const readFile = tool({
  description: "Read a file",
  inputSchema: z.object({ path: z.string() }),
  execute: async ({ path }) => `contents of ${path}`,
});

describe.each(Object.keys(modelFor) as Wire[])("%s wire through the real SDK", (wire) => {
  let server: FakeServer;
  let model: LanguageModel;

  beforeEach(async () => {
    server = await startFakeServer();
    model = modelFor[wire](server.url);
  });
  afterEach(async () => {
    await server.close();
  });

  it("streams text and reports usage", async () => {
    server.enqueue({ text: "Hello there, world!", usage: { inputTokens: 42, outputTokens: 7 } });
    const result = streamText({ model, system: "be brief", prompt: "say hello", maxRetries: 0 });
    const deltas: string[] = [];
    for await (const part of result.fullStream) if (part.type === "text-delta") deltas.push(part.text);

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Hello there, world!");
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(42);
    expect(usage.outputTokens).toBe(7);
    expect(server.errors).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.wire).toBe(wire);
    expect(server.requests[0]?.normalized.system).toBe("be brief");
    expect(server.requests[0]?.normalized.messages).toEqual([
      { role: "user", text: "say hello", toolCalls: [], toolResults: [] },
    ]);
  });

  it("estimates usage from sizes when the script gives none", async () => {
    server.enqueue({ text: "twelve chars" });
    const result = streamText({ model, prompt: "hi", maxRetries: 0 });
    await result.consumeStream();
    const usage = await result.usage;
    const bodyLength = JSON.stringify(server.requests[0]?.body).length;
    expect(usage.outputTokens).toBe(3);
    // The SDK may serialize with different spacing than JSON.stringify; allow that slack.
    expect(usage.inputTokens).toBeGreaterThanOrEqual(Math.floor(bodyLength / 4) - 2);
    expect(usage.inputTokens).toBeLessThanOrEqual(Math.ceil(bodyLength / 4) + 2);
  });

  it("delivers a scripted tool call, then accepts the request carrying its result", async () => {
    server.enqueue(
      { reasoning: "I should read it", toolCalls: [{ name: "read_file", input: { path: "src/a.ts" } }] },
      { text: "The file says hi." },
    );
    const result = streamText({
      model,
      prompt: "what is in src/a.ts?",
      tools: { read_file: readFile },
      stopWhen: isStepCount(3),
      maxRetries: 0,
    });
    const toolCalls: Array<{ name: string; input: unknown }> = [];
    let reasoning = "";
    for await (const part of result.fullStream) {
      if (part.type === "tool-call") toolCalls.push({ name: part.toolName, input: part.input });
      if (part.type === "reasoning-delta") reasoning += part.text;
    }

    expect(toolCalls).toEqual([{ name: "read_file", input: { path: "src/a.ts" } }]);
    expect(reasoning).toBe("I should read it");
    expect(await result.text).toBe("The file says hi.");
    expect(server.errors).toEqual([]);
    expect(server.requests).toHaveLength(2);
    const second = server.requests[1]!.normalized;
    expect(second.toolNames).toEqual(["read_file"]);
    const call = second.messages.find((message) => message.role === "assistant")?.toolCalls[0];
    expect(call).toMatchObject({ name: "read_file", input: { path: "src/a.ts" } });
    const toolMessage = second.messages.find((message) => message.role === "tool");
    expect(toolMessage?.toolResults).toEqual([
      { id: call?.id, output: "contents of src/a.ts", isError: false },
    ]);
  });

  it("uses the scripted tool call id when one is given", async () => {
    server.enqueue({ toolCalls: [{ name: "read_file", input: { path: "x" }, id: "call_fixed_1" }] });
    const result = streamText({ model, prompt: "go", tools: { read_file: readFile }, maxRetries: 0 });
    const ids: string[] = [];
    for await (const part of result.fullStream) if (part.type === "tool-call") ids.push(part.toolCallId);
    expect(ids).toEqual(["call_fixed_1"]);
  });

  it("answers non-streaming requests with the JSON shape", async () => {
    server.enqueue({ text: "plain", toolCalls: [{ name: "read_file", input: { path: "b" } }] });
    const result = await generateText({ model, prompt: "go", tools: { read_file: readFile }, maxRetries: 0 });
    expect(result.text).toBe("plain");
    expect(result.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ["read_file", { path: "b" }],
    ]);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(server.requests[0]?.body.stream).not.toBe(true);
  });

  it("rejects a tool result naming an unknown call with a 400 that lands in errors", async () => {
    let caught: unknown;
    try {
      // The SDK checks its own prompts, so hand it an assistant message whose
      // tool call is answered with an id the model never produced.
      await generateText({
        model,
        maxRetries: 0,
        messages: [
          { role: "user", content: "go" },
          {
            role: "assistant",
            content: [
              { type: "tool-call", toolCallId: "call_a", toolName: "read_file", input: { path: "x" } },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: "call_a",
                toolName: "read_file",
                output: { type: "text", value: "1" },
              },
              {
                type: "tool-result",
                toolCallId: "call_b",
                toolName: "read_file",
                output: { type: "text", value: "2" },
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
    expect(server.errors).toHaveLength(1);
    expect(server.errors[0]).toContain("call_b");
    expect(server.requests[0]?.rejection).toContain("call_b");
  });

  it("returns a 429 fault with its retry-after header", async () => {
    server.enqueue({ fault: { kind: "status", status: 429, retryAfter: "3" } });
    const result = streamText({ model, prompt: "hi", maxRetries: 0, onError: () => {} });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);
    expect(errors).toHaveLength(1);
    const error = errors[0] as APICallError;
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(429);
    expect(error.responseHeaders?.["retry-after"]).toBe("3");
    expect(error.isRetryable).toBe(true);
  });

  it("consumes faults as steps, so the next request gets the next reply", async () => {
    server.enqueue({ fault: { kind: "status", status: 529, retryAfter: "0" } }, { text: "recovered" });
    const result = await generateText({ model, prompt: "hi", maxRetries: 1 });
    expect(result.text).toBe("recovered");
    expect(server.requests).toHaveLength(2);
  });

  it("makes the SDK fail when the stream is cut before its final event", async () => {
    server.enqueue({ fault: { kind: "cut", afterText: "half an ans" } });
    const result = streamText({ model, prompt: "hi", maxRetries: 0, onError: () => {} });
    let text = "";
    let failure: unknown;
    try {
      for await (const part of result.fullStream) {
        if (part.type === "text-delta") text += part.text;
        if (part.type === "error") failure = part.error;
      }
    } catch (error) {
      failure = error;
    }
    expect(text).toBe("half an ans");
    expect(failure).toBeInstanceOf(Error);
  });
});
