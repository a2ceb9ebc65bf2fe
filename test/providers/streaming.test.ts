import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortedError, ProviderError } from "../../src/core/errors.ts";
import { userMessage } from "../../src/core/messages.ts";
import type { ModelClient, ModelRequest, ModelStreamEvent } from "../../src/core/model.ts";
import { resolveModel } from "../../src/providers/resolve.ts";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";

let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer();
});

afterAll(async () => {
  await server.close();
});

interface WireCase {
  name: string;
  wire: "anthropic" | "openai-responses" | "openai-chat";
  client: (env?: Record<string, string>) => ModelClient;
}

/** Each wire format, reached the way a user would: base-URL env vars or a settings entry. */
const wires: WireCase[] = [
  {
    name: "Anthropic Messages",
    wire: "anthropic",
    client: (env = {}) =>
      resolveModel("anthropic/claude-sonnet-4-5", {
        env: {
          ANTHROPIC_API_KEY: "test-key",
          ANTHROPIC_BASE_URL: server.url,
          TACIT_RETRY_BASE_MS: "1",
          ...env,
        },
      }),
  },
  {
    name: "OpenAI Responses",
    wire: "openai-responses",
    client: (env = {}) =>
      resolveModel("openai/gpt-5", {
        env: {
          OPENAI_API_KEY: "test-key",
          OPENAI_BASE_URL: `${server.url}/v1`,
          TACIT_RETRY_BASE_MS: "1",
          ...env,
        },
      }),
  },
  {
    name: "OpenAI Chat Completions",
    wire: "openai-chat",
    client: (env = {}) =>
      resolveModel("local/qwen3-coder", {
        env: { LOCAL_KEY: "test-key", TACIT_RETRY_BASE_MS: "1", ...env },
        providers: { local: { baseURL: `${server.url}/v1`, apiKeyEnv: "LOCAL_KEY" } },
      }),
  },
];

const readTool = {
  name: "read_file",
  description: "Read a file",
  inputSchema: {
    type: "object",
    properties: { path: { type: "string" } },
    required: ["path"],
    additionalProperties: false,
  },
};

function wireClient(index: number): ModelClient {
  const wire = wires[index];
  if (!wire) throw new Error(`no wire ${index}`);
  return wire.client();
}

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: "You are a test.", messages: [userMessage("hello")], tools: [readTool], ...overrides };
}

async function collect(client: ModelClient, modelRequest = request(), signal = new AbortController().signal) {
  const events: ModelStreamEvent[] = [];
  for await (const event of client.stream(modelRequest, signal)) events.push(event);
  return events;
}

function textOf(events: ModelStreamEvent[]): string {
  return events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
}

function requestsSince(start: number) {
  return server.requests.slice(start);
}

describe.each(wires)("$name over real SSE", ({ wire, client }) => {
  it("streams text and reports usage", async () => {
    const start = server.requests.length;
    server.enqueue({ text: "Hello from the fake server.", usage: { inputTokens: 42, outputTokens: 7 } });
    const events = await collect(client());
    expect(textOf(events)).toBe("Hello from the fake server.");
    const finish = events.at(-1);
    expect(finish).toMatchObject({ type: "finish", finishReason: "stop" });
    if (finish?.type !== "finish") throw new Error("no finish");
    expect(finish.usage.inputTokens).toBe(42);
    expect(finish.usage.outputTokens).toBe(7);
    const sent = requestsSince(start);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.wire).toBe(wire);
    expect(sent[0]?.rejection).toBeUndefined();
    expect(sent[0]?.normalized.system).toContain("You are a test.");
    expect(sent[0]?.normalized.toolNames).toEqual(["read_file"]);
  });

  it("streams a tool call with parsed arguments, then accepts its result", async () => {
    server.enqueue({
      text: "Let me look.",
      toolCalls: [{ name: "read_file", input: { path: "src/a.ts" }, id: "call_1" }],
    });
    const events = await collect(client());
    const call = events.find((event) => event.type === "tool-call");
    expect(call).toMatchObject({ type: "tool-call", toolName: "read_file", input: { path: "src/a.ts" } });
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls" });
    if (call?.type !== "tool-call") throw new Error("no tool call");

    // The follow-up request carries the call and its result; the server checks they pair up.
    const start = server.requests.length;
    server.enqueue({ text: "It exports a." });
    const followUp = await collect(
      client(),
      request({
        messages: [
          userMessage("read src/a.ts"),
          {
            role: "assistant",
            content: [
              { type: "text", text: "Let me look." },
              { type: "tool-call", toolCallId: call.toolCallId, toolName: "read_file", input: call.input },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: call.toolCallId,
                toolName: "read_file",
                output: "export const a = 1;",
              },
            ],
          },
        ],
      }),
    );
    expect(textOf(followUp)).toBe("It exports a.");
    const sent = requestsSince(start)[0];
    expect(sent?.rejection).toBeUndefined();
    const results = sent?.normalized.messages.flatMap((message) => message.toolResults) ?? [];
    expect(results).toEqual([expect.objectContaining({ output: "export const a = 1;", isError: false })]);
  });

  it("retries a 429, honouring retry-after, then succeeds", async () => {
    const start = server.requests.length;
    server.enqueue({ fault: { kind: "status", status: 429, retryAfter: "0" } }, { text: "after the wait" });
    const events = await collect(client());
    const retries = events.filter((event) => event.type === "retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 0 });
    if (retries[0]?.type === "retry") expect(retries[0].reason).toContain("429");
    expect(textOf(events)).toBe("after the wait");
    expect(requestsSince(start)).toHaveLength(2);
  });

  it("gives up after three 500s with one clear line (TACIT_MAX_RETRIES=2)", async () => {
    const start = server.requests.length;
    const fault = { fault: { kind: "status" as const, status: 500 } };
    server.enqueue(fault, fault, fault);
    const events: ModelStreamEvent[] = [];
    const failure = await (async () => {
      for await (const event of client({ TACIT_MAX_RETRIES: "2" }).stream(
        request(),
        new AbortController().signal,
      )) {
        events.push(event);
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    const message = (failure as ProviderError).message;
    expect(message).toMatch(/^[a-z]+: 500 Internal Server Error after 3 attempts: /);
    expect(message).not.toContain("\n");
    expect(
      events.filter((event) => event.type === "retry").map((event) => (event as { attempt: number }).attempt),
    ).toEqual([1, 2]);
    expect(requestsSince(start)).toHaveLength(3);
  });

  it("restarts a stream cut mid-way, then succeeds", async () => {
    const start = server.requests.length;
    server.enqueue({ fault: { kind: "cut", afterText: "partial" } }, { text: "complete answer" });
    const events = await collect(client());
    const retryIndex = events.findIndex((event) => event.type === "retry");
    expect(retryIndex).toBeGreaterThanOrEqual(0);
    // What follows the retry event is the whole second answer.
    expect(textOf(events.slice(retryIndex))).toBe("complete answer");
    expect(events.at(-1)).toMatchObject({ type: "finish" });
    expect(requestsSince(start)).toHaveLength(2);
  });

  it("restarts a stream that ends cleanly before the wire's finish signal", async () => {
    const start = server.requests.length;
    server.enqueue({ fault: { kind: "short", afterText: "half an ans" } });
    if (wire === "openai-chat") {
      // Its provider package refuses such a stream itself, in one line (some OpenAI-compatible servers
      // leave finish_reason out of every answer, so tacit does not retry it as cut).
      await expect(collect(client())).rejects.toThrow(/ended without a finish reason/);
      expect(requestsSince(start)).toHaveLength(1);
      return;
    }
    server.enqueue({ text: "complete answer" });
    const events = await collect(client());
    const retryIndex = events.findIndex((event) => event.type === "retry");
    expect(retryIndex).toBeGreaterThanOrEqual(0);
    expect(textOf(events.slice(retryIndex))).toBe("complete answer");
    expect(requestsSince(start)).toHaveLength(2);
  });

  it("does not retry a 401 and names the key to check", async () => {
    const start = server.requests.length;
    server.enqueue({ fault: { kind: "status", status: 401 } });
    const failure = await collect(client()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).status).toBe(401);
    expect((failure as ProviderError).message).toMatch(
      /API key was rejected .*(ANTHROPIC_API_KEY|OPENAI_API_KEY|LOCAL_KEY)/,
    );
    expect(requestsSince(start)).toHaveLength(1);
  });
});

describe("provider specifics on the wire", () => {
  it("marks Anthropic cache breakpoints on the system prompt, the last tool and the last message", async () => {
    const start = server.requests.length;
    server.enqueue({ text: "ok" });
    await collect(wireClient(0), request({ tools: [readTool, { ...readTool, name: "write_file" }] }));
    const body = requestsSince(start)[0]?.body;
    expect(body.system.at(-1).cache_control).toEqual({ type: "ephemeral" });
    expect(body.tools[0].cache_control).toBeUndefined();
    expect(body.tools.at(-1).cache_control).toEqual({ type: "ephemeral" });
    expect(body.messages.at(-1).content.at(-1).cache_control).toEqual({ type: "ephemeral" });
    expect(body.stream).toBe(true);
  });

  it("sends OpenAI Responses requests with store: false", async () => {
    const start = server.requests.length;
    server.enqueue({ text: "ok" });
    await collect(wireClient(1));
    expect(requestsSince(start)[0]?.body.store).toBe(false);
  });

  it("stops at once when aborted, without retrying", async () => {
    const start = server.requests.length;
    server.enqueue({ fault: { kind: "status", status: 503, retryAfter: "30" } });
    const controller = new AbortController();
    const failure = await (async () => {
      for await (const event of wireClient(0).stream(request(), controller.signal)) {
        if (event.type === "retry") controller.abort();
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AbortedError);
    expect(requestsSince(start)).toHaveLength(1);
  });
});
