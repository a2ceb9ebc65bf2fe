// A request goes to the provider package's model directly (providers/ai-sdk-client.ts), without the
// `ai` package's streamText. These tests send the same turn both ways, through the real provider
// packages to the fake server, and compare what arrived: the wire bytes must not change.
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { isStepCount, jsonSchema, streamText, type ToolSet, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../src/core/messages.ts";
import type { ModelInfo, ModelRequest, ModelStreamEvent } from "../../src/core/model.ts";
import { createAiSdkClient } from "../../src/providers/ai-sdk-client.ts";
import { ANTHROPIC_CACHE_CONTROL, toModelMessages } from "../../src/providers/convert-messages.ts";
import { type Endpoint, languageModelAt } from "../../src/providers/endpoint.ts";
import { toProviderPrompt } from "../../src/providers/provider-prompt.ts";
import { resolveRetryOptions } from "../../src/providers/retry.ts";
import { PNG_BASE64 } from "../e2e/tiny-png.ts";
import { type FakeServer, startFakeServer, type Wire } from "../fake-server/server.ts";

// streamText prints what the provider package warns of (here: effort on a model id it does not know).
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(async () => {
  await server.close();
});

interface WireCase {
  wire: Wire;
  path: string;
  providerKey: string;
  /** Sent with every request, as resolve.ts sets them (OpenAI's store: false, an effort setting). */
  providerOptions?: Record<string, Record<string, unknown>>;
}

const cases: WireCase[] = [
  {
    wire: "anthropic",
    path: "/v1",
    providerKey: "anthropic",
    providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens: 2048 } } },
  },
  {
    wire: "openai-responses",
    path: "/v1",
    providerKey: "openai",
    providerOptions: {
      openai: { store: false, reasoningEffort: "high", include: ["reasoning.encrypted_content"] },
    },
  },
  { wire: "openai-chat", path: "/v1", providerKey: "local" },
  {
    wire: "google",
    path: "/v1beta",
    providerKey: "google",
    providerOptions: { google: { thinkingConfig: { includeThoughts: true } } },
  },
];

const info: ModelInfo = {
  ref: "p/m",
  provider: "p",
  modelId: "m",
  family: "other",
  contextWindow: 200_000,
  maxOutputTokens: 4096,
  price: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  known: false,
  acceptsImages: true,
};

const readTool = {
  name: "read_file",
  description: "Read a file",
  inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};
const listTool = { ...readTool, name: "list_files", description: "List files" };

/** A turn with everything a session holds: an image, reasoning with its signatures, calls and their results. */
function conversation(providerKey: string): Message[] {
  const metadata = {
    anthropic: { signature: "sig-1" },
    openai: { itemId: "rs_1", reasoningEncryptedContent: "enc-1" },
    google: { thoughtSignature: "thought-1" },
    local: {},
  } as Record<string, Record<string, unknown>>;
  const own = { [providerKey]: metadata[providerKey] ?? {} };
  return [
    {
      role: "user",
      content: [
        { type: "text", text: "what is in this picture, and in a.txt?" },
        { type: "image", name: "shot.png", mediaType: "image/png", sha256: "0".repeat(64), data: PNG_BASE64 },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "look at the file first", providerMetadata: own },
        { type: "text", text: "Reading it." },
        {
          type: "tool-call",
          toolCallId: "call_1",
          toolName: "read_file",
          input: { path: "a.txt" },
          providerMetadata: own,
        },
        { type: "tool-call", toolCallId: "call 2", toolName: "list_files", input: "not an object" },
      ],
    },
    {
      role: "tool",
      content: [{ type: "tool-result", toolCallId: "call_1", toolName: "read_file", output: "hello" }],
    },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "call 2",
          toolName: "list_files",
          output: "no such folder",
          isError: true,
        },
      ],
    },
    { role: "user", content: [{ type: "text", text: "and now?" }] },
  ];
}

function endpointOf(wireCase: WireCase): Endpoint {
  return { wire: wireCase.wire, baseURL: `${server.url}${wireCase.path}`, apiKey: "test-key" };
}

async function throughTacit(wireCase: WireCase, request: ModelRequest): Promise<ModelStreamEvent[]> {
  const client = createAiSdkClient({
    info,
    loadModel: () => languageModelAt(endpointOf(wireCase), info.provider, info.modelId),
    providerKey: wireCase.providerKey,
    promptCaching: wireCase.wire === "anthropic",
    retry: resolveRetryOptions({}, { maxAttempts: 1 }),
    ...(wireCase.providerOptions ? { providerOptions: wireCase.providerOptions as never } : {}),
  });
  const events: ModelStreamEvent[] = [];
  for await (const event of client.stream(request, new AbortController().signal)) events.push(event);
  return events;
}

/** The same request the way tacit sent it through streamText before. */
async function throughStreamText(wireCase: WireCase, request: ModelRequest): Promise<void> {
  const model: LanguageModelV4 = await languageModelAt(endpointOf(wireCase), info.provider, info.modelId);
  const caching = wireCase.wire === "anthropic";
  const tools: ToolSet = {};
  request.tools.forEach((spec, index) => {
    tools[spec.name] = tool({
      description: spec.description,
      inputSchema: jsonSchema(spec.inputSchema as never),
      ...(caching && index === request.tools.length - 1 ? { providerOptions: ANTHROPIC_CACHE_CONTROL } : {}),
    });
  });
  const result = streamText({
    model,
    ...(request.system
      ? {
          instructions: caching
            ? { role: "system" as const, content: request.system, providerOptions: ANTHROPIC_CACHE_CONTROL }
            : request.system,
        }
      : {}),
    messages: toModelMessages(request.messages, {
      providerKey: wireCase.providerKey,
      cacheLastMessage: caching,
      images: true,
    }),
    ...(request.tools.length > 0 ? { tools } : {}),
    maxOutputTokens: info.maxOutputTokens,
    maxRetries: 0,
    stopWhen: isStepCount(1),
    onError: () => {},
    ...(wireCase.providerOptions ? { providerOptions: wireCase.providerOptions as never } : {}),
  });
  for await (const _part of result.fullStream);
}

describe.each(cases)("$wire: a request sent directly", (wireCase) => {
  it("arrives byte for byte as streamText sent it, headers included", async () => {
    const request: ModelRequest = {
      system: "You are a test.",
      messages: conversation(wireCase.providerKey),
      tools: [readTool, listTool],
    };
    const start = server.requests.length;
    server.enqueue({ text: "ok" }, { text: "ok" });
    await throughTacit(wireCase, request);
    await throughStreamText(wireCase, request);
    const [direct, before] = server.requests.slice(start);
    expect(direct?.rejection).toBeUndefined();
    expect(JSON.stringify(direct?.body)).toBe(JSON.stringify(before?.body));
    expect(direct?.headers).toEqual(before?.headers);
    expect(direct?.path).toBe(before?.path);
  });

  it("arrives as streamText sent it without tools or a system prompt", async () => {
    const request: ModelRequest = {
      system: "",
      messages: [conversation(wireCase.providerKey)[0]!],
      tools: [],
    };
    const start = server.requests.length;
    server.enqueue({ text: "ok" }, { text: "ok" });
    await throughTacit(wireCase, request);
    await throughStreamText(wireCase, request);
    const [direct, before] = server.requests.slice(start);
    expect(JSON.stringify(direct?.body)).toBe(JSON.stringify(before?.body));
  });

  it("streams reasoning, text, a tool call with its input parsed, and usage", async () => {
    server.enqueue({
      reasoning: "thinking it over",
      text: "Let me look.",
      toolCalls: [{ name: "read_file", input: { path: "b.txt" } }],
      usage: { inputTokens: 120, outputTokens: 30 },
    });
    const events = await throughTacit(wireCase, {
      system: "You are a test.",
      messages: [{ role: "user", content: [{ type: "text", text: "go" }] }],
      tools: [readTool],
    });
    const text = events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
    expect(text).toBe("Let me look.");
    const call = events.find((event) => event.type === "tool-call");
    expect(call).toMatchObject({ type: "tool-call", toolName: "read_file", input: { path: "b.txt" } });
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReason: "tool-calls",
      usage: expect.objectContaining({ inputTokens: 120, outputTokens: 30 }),
    });
  });
});

describe("a prompt with no messages", () => {
  it("is refused before any request, in streamText's words", () => {
    expect(() => toProviderPrompt({ content: "You are a subagent." }, [])).toThrow(
      "Invalid prompt: messages must not be empty",
    );
  });
});
