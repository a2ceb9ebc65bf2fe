// Raw HTTP against the fake server: request validation, error shapes, the
// normalized view, the step queue and handler, and the SSE framing itself.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer, type Wire } from "./server.ts";

type Json = Record<string, unknown>;

interface WireFixture {
  path: string;
  headers: Record<string, string>;
  /** A request body around the given history, in the wire's own shape. */
  body(history: unknown[], extra?: Json): Json;
  userText(text: string): unknown;
  toolCall(id: string, name: string, input: unknown): unknown[];
  toolResult(id: string, output: string): unknown[];
  assistantText(text: string): unknown;
}

const fixtures: Record<Wire, WireFixture> = {
  anthropic: {
    path: "/v1/messages",
    headers: { "x-api-key": "k", "anthropic-version": "2023-06-01" },
    body: (history, extra) => ({ model: "claude-fake", max_tokens: 100, messages: history, ...extra }),
    userText: (text) => ({ role: "user", content: text }),
    toolCall: (id, name, input) => [{ role: "assistant", content: [{ type: "tool_use", id, name, input }] }],
    toolResult: (id, output) => [
      { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: output }] },
    ],
    assistantText: (text) => ({ role: "assistant", content: [{ type: "text", text }] }),
  },
  "openai-responses": {
    path: "/v1/responses",
    headers: { authorization: "Bearer k" },
    body: (history, extra) => ({ model: "gpt-fake", input: history, ...extra }),
    userText: (text) => ({ role: "user", content: [{ type: "input_text", text }] }),
    toolCall: (id, name, input) => [
      { type: "function_call", call_id: id, name, arguments: JSON.stringify(input) },
    ],
    toolResult: (id, output) => [{ type: "function_call_output", call_id: id, output }],
    assistantText: (text) => ({ role: "assistant", content: text }),
  },
  "openai-chat": {
    path: "/v1/chat/completions",
    headers: {},
    body: (history, extra) => ({ model: "m", messages: history, ...extra }),
    userText: (text) => ({ role: "user", content: text }),
    toolCall: (id, name, input) => [
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id, type: "function", function: { name, arguments: JSON.stringify(input) } }],
      },
    ],
    toolResult: (id, output) => [{ role: "tool", tool_call_id: id, content: output }],
    assistantText: (text) => ({ role: "assistant", content: text }),
  },
  google: {
    // The model is in the path; the key in x-goog-api-key (or ?key=).
    path: "/v1beta/models/gemini-fake:generateContent",
    headers: { "x-goog-api-key": "k" },
    body: (history, extra) => ({ contents: history, ...extra }),
    userText: (text) => ({ role: "user", parts: [{ text }] }),
    toolCall: (id, name, input) => [{ role: "model", parts: [{ functionCall: { id, name, args: input } }] }],
    toolResult: (id, output) => [
      {
        role: "user",
        parts: [
          { functionResponse: { id, name: "read_file", response: { name: "read_file", content: output } } },
        ],
      },
    ],
    assistantText: (text) => ({ role: "model", parts: [{ text }] }),
  },
};

const googleStreamPath = "/v1beta/models/gemini-fake:streamGenerateContent?alt=sse";

const toolDefinitions: Record<Wire, unknown[]> = {
  anthropic: [{ name: "read_file", description: "d", input_schema: { type: "object" } }],
  "openai-responses": [{ type: "function", name: "read_file", parameters: { type: "object" } }],
  "openai-chat": [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }],
  google: [{ functionDeclarations: [{ name: "read_file", parametersJsonSchema: { type: "object" } }] }],
};

const brokenToolDefinitions: Record<Wire, unknown[]> = {
  anthropic: [{ description: "no name", input_schema: { type: "object" } }],
  "openai-responses": [{ type: "function", name: "read_file" }],
  "openai-chat": [{ type: "function", function: { name: "read_file" } }],
  google: [{ functionDeclarations: [{ description: "no name" }] }],
};

async function post(
  server: FakeServer,
  wire: Wire,
  body: unknown,
  headers?: Record<string, string>,
  path = fixtures[wire].path,
) {
  const fixture = fixtures[wire];
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(headers ?? fixture.headers) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Splits an SSE body into its events' data payloads (and event names when given). */
function parseSse(text: string): Array<{ event?: string; data: string }> {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      return event === undefined ? { data } : { event, data };
    });
}

function errorMessage(wire: Wire, text: string): string {
  const parsed = JSON.parse(text) as { type?: string; error: { message: string } };
  if (wire === "anthropic") expect(parsed.type).toBe("error");
  return parsed.error.message;
}

describe.each(Object.keys(fixtures) as Wire[])("%s request validation", (wire) => {
  const fixture = fixtures[wire];
  let server: FakeServer;

  beforeEach(async () => {
    server = await startFakeServer();
  });
  afterEach(async () => {
    await server.close();
  });

  async function expectRejected(
    body: unknown,
    expected: string,
    headers?: Record<string, string>,
    path?: string,
  ) {
    const response = await post(server, wire, body, headers, path);
    expect(response.status).toBe(400);
    expect(errorMessage(wire, response.text)).toContain(expected);
    expect(server.errors).toHaveLength(1);
    expect(server.errors[0]).toContain(expected);
  }

  it("rejects a body that is not JSON", async () => {
    await expectRejected("{not json", "not valid JSON");
  });

  it("rejects a request without a model", async () => {
    const body = fixture.body([fixture.userText("hi")]);
    delete body.model;
    // Gemini names the model in the path, so leave it out there.
    const path = wire === "google" ? "/v1beta/models/:generateContent" : undefined;
    await expectRejected(body, "missing model", undefined, path);
  });

  it("rejects messages that are not an array", async () => {
    const body = fixture.body([]);
    if (wire === "openai-responses") body.input = "hi";
    else if (wire === "google") body.contents = { role: "user" };
    else body.messages = { role: "user" };
    await expectRejected(body, "must be an array");
  });

  it("rejects a history with a tool call that no tool result answers", async () => {
    const history = [
      fixture.userText("go"),
      ...fixture.toolCall("call_open", "read_file", { path: "a" }),
      fixture.userText("next"),
    ];
    await expectRejected(fixture.body(history), "not answered by a tool result: call_open");
  });

  it("rejects a tool call answered twice", async () => {
    const history = [
      fixture.userText("go"),
      ...fixture.toolCall("call_1", "read_file", {}),
      ...fixture.toolResult("call_1", "one"),
      ...fixture.toolResult("call_1", "two"),
    ];
    await expectRejected(fixture.body(history), "answered more than once");
  });

  it("rejects a tool result that names an unknown call", async () => {
    const history = [fixture.userText("go"), ...fixture.toolResult("call_ghost", "x")];
    await expectRejected(fixture.body(history), "unknown tool call id call_ghost");
  });

  it("rejects a tool definition without a name or schema", async () => {
    const body = fixture.body([fixture.userText("hi")], { tools: brokenToolDefinitions[wire] });
    await expectRejected(body, "tools[0]");
  });

  it("does not consume a scripted step for a rejected request", async () => {
    server.enqueue({ text: "first scripted" });
    await post(server, wire, "garbage");
    const response = await post(server, wire, fixture.body([fixture.userText("hi")]));
    expect(response.status).toBe(200);
    expect(response.text).toContain("first scripted");
    expect(server.requests.map((request) => request.rejection === undefined)).toEqual([false, true]);
  });

  it("records headers, path and body of each request", async () => {
    await post(server, wire, fixture.body([fixture.userText("hi")], { tools: toolDefinitions[wire] }));
    const [recorded] = server.requests;
    expect(recorded?.path).toBe(fixture.path);
    expect(recorded?.headers["content-type"]).toBe("application/json");
    if (wire === "google") expect(recorded?.path).toContain("gemini-fake");
    else expect(recorded?.body.model).toBeTypeOf("string");
    expect(recorded?.normalized.toolNames).toEqual(["read_file"]);
    expect(recorded?.receivedAt).toBeGreaterThan(0);
  });

  it("streams a tool call's JSON arguments in several pieces, with a proper ending", async () => {
    server.enqueue({ toolCalls: [{ name: "read_file", input: { path: "some/long/path.ts", limit: 200 } }] });
    const response =
      wire === "google"
        ? await post(server, wire, fixture.body([fixture.userText("hi")]), undefined, googleStreamPath)
        : await post(server, wire, fixture.body([fixture.userText("hi")], { stream: true }));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = parseSse(response.text);
    if (wire === "google") {
      // Gemini sends a function call whole, with args as an object, then a
      // closing chunk with the finish reason and usage.
      const calls = events.filter((event) => event.data.includes("functionCall"));
      expect(calls).toHaveLength(1);
      const part = JSON.parse(calls[0]!.data).candidates[0].content.parts[0];
      expect(part.functionCall).toEqual({
        name: "read_file",
        args: { path: "some/long/path.ts", limit: 200 },
      });
      const last = JSON.parse(events.at(-1)!.data);
      expect(last.candidates[0].finishReason).toBe("STOP");
      expect(last.usageMetadata.totalTokenCount).toBeGreaterThan(0);
      return;
    }
    const argumentPieces = events.filter((event) =>
      /input_json_delta|function_call_arguments\.delta|"arguments":"[^"]/.test(event.data),
    );
    expect(argumentPieces.length).toBeGreaterThan(1);
    if (wire === "anthropic") {
      expect(events[0]?.event).toBe("message_start");
      expect(events.at(-1)?.event).toBe("message_stop");
    } else if (wire === "openai-responses") {
      expect(events[0]?.event).toBe("response.created");
      expect(events.at(-1)?.event).toBe("response.completed");
    } else {
      expect(events.at(-1)?.data).toBe("[DONE]");
      expect(JSON.parse(events.at(-2)!.data).choices[0].finish_reason).toBe("tool_calls");
    }
  });
});

describe("wire-specific header checks", () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startFakeServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it("anthropic needs max_tokens, anthropic-version and an API key", async () => {
    const valid = fixtures.anthropic.body([{ role: "user", content: "hi" }]);
    const { max_tokens: _dropped, ...withoutMaxTokens } = valid;
    expect((await post(server, "anthropic", withoutMaxTokens)).status).toBe(400);
    expect((await post(server, "anthropic", valid, { "x-api-key": "k" })).status).toBe(400);
    expect((await post(server, "anthropic", valid, { "anthropic-version": "2023-06-01" })).status).toBe(400);
    expect(server.errors).toEqual([
      "anthropic /v1/messages: missing max_tokens",
      "anthropic /v1/messages: missing anthropic-version header",
      "anthropic /v1/messages: missing x-api-key header",
    ]);
  });

  it("openai responses needs a Bearer token", async () => {
    const body = fixtures["openai-responses"].body([]);
    const response = await post(server, "openai-responses", body, {});
    expect(response.status).toBe(400);
    expect(server.errors).toEqual(["openai-responses /v1/responses: missing Authorization: Bearer header"]);
  });

  it("chat completions takes no key (local servers) but rejects a malformed one", async () => {
    const body = fixtures["openai-chat"].body([{ role: "user", content: "hi" }]);
    expect((await post(server, "openai-chat", body, {})).status).toBe(200);
    expect((await post(server, "openai-chat", body, { authorization: "Bearer k" })).status).toBe(200);
    expect((await post(server, "openai-chat", body, { authorization: "k" })).status).toBe(400);
    expect(server.errors).toHaveLength(1);
  });
});

describe("normalized view", () => {
  it("is the same for the same conversation on every wire", async () => {
    const server = await startFakeServer();
    try {
      const views = [];
      for (const wire of Object.keys(fixtures) as Wire[]) {
        const fixture = fixtures[wire];
        const history = [
          fixture.userText("read a"),
          ...fixture.toolCall("call_1", "read_file", { path: "a" }),
          ...fixture.toolResult("call_1", "A!"),
          fixture.assistantText("It says A!"),
          fixture.userText("thanks"),
        ];
        const system = "you are terse";
        const extra: Json =
          wire === "anthropic"
            ? { system: [{ type: "text", text: system }] }
            : wire === "openai-responses"
              ? { instructions: system }
              : wire === "google"
                ? { systemInstruction: { parts: [{ text: system }] } }
                : {};
        if (wire === "openai-chat") history.unshift({ role: "system", content: system });
        const response = await post(
          server,
          wire,
          fixture.body(history, { ...extra, tools: toolDefinitions[wire] }),
        );
        expect(response.status).toBe(200);
        views.push(server.requests.at(-1)?.normalized);
      }
      expect(views[0]).toEqual({
        system: "you are terse",
        toolNames: ["read_file"],
        messages: [
          { role: "user", text: "read a", toolCalls: [], toolResults: [] },
          {
            role: "assistant",
            text: "",
            toolCalls: [{ id: "call_1", name: "read_file", input: { path: "a" } }],
            toolResults: [],
          },
          {
            role: "tool",
            text: "",
            toolCalls: [],
            toolResults: [{ id: "call_1", output: "A!", isError: false }],
          },
          { role: "assistant", text: "It says A!", toolCalls: [], toolResults: [] },
          { role: "user", text: "thanks", toolCalls: [], toolResults: [] },
        ],
      });
      expect(views[1]).toEqual(views[0]);
      expect(views[2]).toEqual(views[0]);
      expect(views[3]).toEqual(views[0]);
      expect(server.errors).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("keeps Anthropic's is_error flag on tool results", async () => {
    const server = await startFakeServer();
    try {
      const history = [
        { role: "user", content: "go" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "bash", input: {} }] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "t1",
              content: [{ type: "text", text: "boom" }],
              is_error: true,
            },
            { type: "text", text: "and then?" },
          ],
        },
      ];
      await post(server, "anthropic", fixtures.anthropic.body(history));
      const messages = server.requests[0]?.normalized.messages;
      expect(messages?.[2]).toEqual({
        role: "tool",
        text: "",
        toolCalls: [],
        toolResults: [{ id: "t1", output: "boom", isError: true }],
      });
      expect(messages?.[3]).toMatchObject({ role: "user", text: "and then?" });
    } finally {
      await server.close();
    }
  });
});

describe("steps, handler and routes", () => {
  let server: FakeServer;
  beforeEach(async () => {
    server = await startFakeServer({ defaultReply: { text: "fallback" } });
  });
  afterEach(async () => {
    await server.close();
  });

  const ask = async (text: string) => {
    const response = await post(
      server,
      "openai-chat",
      fixtures["openai-chat"].body([{ role: "user", content: text }]),
    );
    return JSON.parse(response.text).choices[0].message.content as string;
  };

  it("uses the queue in order, then the default reply", async () => {
    server.enqueue({ text: "one" }, { text: "two" });
    expect([await ask("a"), await ask("b"), await ask("c")]).toEqual(["one", "two", "fallback"]);
  });

  it("asks the handler first and falls back to the queue when it returns undefined", async () => {
    server.enqueue({ text: "queued" });
    server.onRequest((request) => {
      const last = request.normalized.messages.at(-1)?.text ?? "";
      return last.startsWith("echo ") ? { text: last.slice(5) } : undefined;
    });
    expect([await ask("echo hi"), await ask("other"), await ask("echo bye")]).toEqual([
      "hi",
      "queued",
      "bye",
    ]);
  });

  it("serves a model list and reports unknown routes", async () => {
    const models = await fetch(`${server.url}/v1/models`);
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    const missing = await fetch(`${server.url}/v2/nothing`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(server.errors).toEqual(["unknown route POST /v2/nothing"]);
  });

  it("answers on the routes without the /v1 prefix too", async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    expect(response.status).toBe(200);
    expect(server.requests[0]?.path).toBe("/chat/completions");
  });

  it("sends a status fault's own body when given", async () => {
    server.enqueue({ fault: { kind: "status", status: 401, body: '{"error":{"message":"bad key"}}' } });
    const response = await post(server, "openai-chat", fixtures["openai-chat"].body([]));
    expect(response.status).toBe(401);
    expect(response.text).toBe('{"error":{"message":"bad key"}}');
  });
});
