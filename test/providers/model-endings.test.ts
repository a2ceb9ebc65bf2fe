// Each wire's own way of ending an answer short, scripted on the fake server in the wire's format and
// read through the real provider package: the finish event the loop gets names the ending, the
// wire's word for it, and a tool call cut before its input closed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userMessage } from "../../src/core/messages.ts";
import type { ModelClient, ModelStreamEvent } from "../../src/core/model.ts";
import { endingOf } from "../../src/providers/provider-stream.ts";
import { resolveModel } from "../../src/providers/resolve.ts";
import { type FakeServer, startFakeServer, type Wire } from "../fake-server/server.ts";

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(async () => {
  await server.close();
});

const env = { TACIT_RETRY_BASE_MS: "1", TACIT_MAX_RETRIES: "0" };
const clients: Record<Wire, () => ModelClient> = {
  anthropic: () =>
    resolveModel("anthropic/claude-sonnet-4-5", {
      env: { ...env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: server.url },
    }),
  "openai-responses": () =>
    resolveModel("openai/gpt-5", {
      env: { ...env, OPENAI_API_KEY: "k", OPENAI_BASE_URL: `${server.url}/v1` },
    }),
  "openai-chat": () =>
    resolveModel("local/qwen3-coder", {
      env: { ...env, LOCAL_KEY: "k" },
      providers: { local: { baseURL: `${server.url}/v1`, apiKeyEnv: "LOCAL_KEY" } },
    }),
  google: () =>
    resolveModel("google/gemini-2.5-pro", {
      env: { ...env, GEMINI_API_KEY: "k", GOOGLE_GEMINI_BASE_URL: `${server.url}/v1beta` },
    }),
};

const bash = { name: "Bash", description: "run", inputSchema: { type: "object", properties: {} } };

async function streamOf(wire: Wire): Promise<{ text: string; calls: unknown[]; finish: ModelStreamEvent }> {
  let text = "";
  const calls: unknown[] = [];
  let finish: ModelStreamEvent | undefined;
  const request = { system: "s", messages: [userMessage("go")], tools: [bash] };
  for await (const event of clients[wire]().stream(request, new AbortController().signal)) {
    if (event.type === "text-delta") text += event.text;
    else if (event.type === "tool-call") calls.push(event.input);
    else if (event.type === "finish") finish = event;
  }
  if (!finish) throw new Error("no finish event");
  return { text, calls, finish };
}

const wires = Object.keys(clients) as Wire[];

describe.each(wires)("%s: an answer cut at the output limit", (wire) => {
  it("is a max-tokens ending with the wire's word, its text kept", async () => {
    server.enqueue({ text: "The first half of a long", ending: "max-tokens" });
    const { text, finish } = await streamOf(wire);
    expect(text).toBe("The first half of a long");
    const word = {
      anthropic: "max_tokens",
      "openai-responses": "max_output_tokens",
      "openai-chat": "length",
      google: "MAX_TOKENS",
    }[wire];
    expect(finish).toMatchObject({ finishReason: "length", ending: "max-tokens", rawReason: word });
  });

  it("a call cut inside its input never arrives whole", async () => {
    server.enqueue({
      text: "Writing it.",
      ending: "max-tokens",
      cutToolCall: { name: "Bash", partialInput: '{"command":"echo hel' },
    });
    const { calls, finish } = await streamOf(wire);
    expect(finish).toMatchObject({ ending: "max-tokens" });
    if (wire === "openai-responses") {
      // The item never got its done event: no call, and the finish names the one left open.
      expect(calls).toEqual([]);
      expect(finish).toMatchObject({ unfinishedToolCalls: ["Bash"] });
    } else if (wire === "google") {
      // Gemini sends calls whole or not at all.
      expect(calls).toEqual([]);
    } else {
      // The package closes the call with the input it had: text that is not JSON.
      expect(calls).toEqual(['{"command":"echo hel']);
    }
  });
});

describe.each(wires.filter((wire) => wire !== "google"))("%s: a refusal", (wire) => {
  it("is a refusal ending, its words kept", async () => {
    server.enqueue({ text: "I can't help with that.", ending: "refusal" });
    const { text, finish } = await streamOf(wire);
    expect(text).toBe("I can't help with that.");
    expect(finish).toMatchObject({ finishReason: "content-filter", ending: "refusal" });
    // Only Anthropic names it; Chat's "stop" beside its refusal field would mislead, so none is passed on.
    if (wire === "anthropic") expect(finish).toMatchObject({ rawReason: "refusal" });
    else expect(finish).not.toHaveProperty("rawReason");
  });
});

describe.each(wires.filter((wire) => wire !== "anthropic"))("%s: the content filter", (wire) => {
  it("is a content-filter ending", async () => {
    server.enqueue({ text: "Partial", ending: "content-filter" });
    const { finish } = await streamOf(wire);
    expect(finish).toMatchObject({ finishReason: "content-filter", ending: "content-filter" });
  });
});

describe("the ending of a finish reason", () => {
  it("reads Gemini's RECITATION through the fake server too", async () => {
    server.enqueue({ text: "quoted", ending: "content-filter", rawEnding: "RECITATION" });
    expect((await streamOf("google")).finish).toMatchObject({
      ending: "content-filter",
      rawReason: "RECITATION",
    });
  });

  it("tells Anthropic's context-window stop from its output limit, though the package calls both length", async () => {
    server.enqueue({ text: "long", ending: "context-window" });
    const { text, finish } = await streamOf("anthropic");
    expect(text).toBe("long");
    expect(finish).toMatchObject({
      finishReason: "length",
      ending: "context-window",
      rawReason: "model_context_window_exceeded",
    });
  });

  it("reads Gemini's MALFORMED_FUNCTION_CALL with what Gemini said of it, and no call", async () => {
    const said = "Malformed function call: print(default_api.Bash(command='ls'))";
    server.enqueue({ ending: "malformed-call", finishMessage: said });
    const { text, calls, finish } = await streamOf("google");
    expect(text).toBe("");
    expect(calls).toEqual([]);
    expect(finish).toMatchObject({
      finishReason: "error",
      ending: "malformed-call",
      rawReason: "MALFORMED_FUNCTION_CALL",
      finishMessage: said,
    });
  });

  it("leaves a normal stop, tool calls and other reasons alone", () => {
    expect(endingOf("stop", "end_turn")).toBeUndefined();
    expect(endingOf("tool-calls", "tool_use")).toBeUndefined();
    expect(endingOf("other", "pause")).toBeUndefined();
    expect(endingOf("length", "length")).toBe("max-tokens");
    expect(endingOf("length", "model_context_window_exceeded")).toBe("context-window");
    expect(endingOf("content-filter", "SAFETY")).toBe("content-filter");
    expect(endingOf("content-filter", "refusal")).toBe("refusal");
    expect(endingOf("error", "MALFORMED_FUNCTION_CALL")).toBe("malformed-call");
    // A stream error's finish (the package's "error" with no word) and any other word are not endings.
    expect(endingOf("error", undefined)).toBeUndefined();
    // Only @ai-sdk/google reports the word with "error"; the Chat package calls unknown words "other".
    expect(endingOf("other", "MALFORMED_FUNCTION_CALL")).toBeUndefined();
  });

  it("a normal answer's finish carries no ending", async () => {
    for (const wire of wires) {
      server.enqueue({ text: "All done." });
      expect((await streamOf(wire)).finish).not.toHaveProperty("ending");
    }
  });
});
