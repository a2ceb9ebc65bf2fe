import { describe, expect, it } from "vitest";
import { AbortedError } from "../../src/core/errors.ts";
import { userMessage } from "../../src/core/messages.ts";
import type { ModelRequest, ModelStreamEvent } from "../../src/core/model.ts";
import { createFauxModel } from "../../src/providers/faux.ts";

const request = (text: string): ModelRequest => ({ system: "sys", messages: [userMessage(text)], tools: [] });

async function collect(stream: AsyncIterable<ModelStreamEvent>, signal?: AbortSignal) {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (signal?.aborted) break;
  }
  return events;
}

describe("createFauxModel", () => {
  it("streams text in several deltas, then tool calls, then finish with usage", async () => {
    const faux = createFauxModel([
      {
        text: "Reading the file now.",
        reasoning: "think",
        toolCalls: [{ toolName: "Read", input: { file_path: "a.ts" } }],
        usage: { inputTokens: 10, outputTokens: 5 },
      },
    ]);
    const events = await collect(faux.stream(request("go"), new AbortController().signal));
    const deltas = events.filter((event) => event.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => (event.type === "text-delta" ? event.text : "")).join("")).toBe(
      "Reading the file now.",
    );
    expect(events[0]).toEqual({ type: "reasoning-delta", text: "think" });
    expect(events.at(-2)).toEqual({
      type: "tool-call",
      toolCallId: "faux-call-1-1",
      toolName: "Read",
      input: { file_path: "a.ts" },
    });
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReason: "tool-calls",
      usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });

  it("records requests and answers from functions of the request", async () => {
    const faux = createFauxModel([(received) => ({ text: `echo ${received.messages.length}` })]);
    faux.push({ text: "second" });
    const first = await collect(faux.stream(request("one"), new AbortController().signal));
    expect(
      first
        .filter((event) => event.type === "text-delta")
        .map((event) => (event as { text: string }).text)
        .join(""),
    ).toBe("echo 1");
    await collect(faux.stream(request("two"), new AbortController().signal));
    expect(faux.requests.map((received) => received.messages[0]?.content[0])).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
    ]);
    expect(faux.remaining()).toBe(0);
    // Estimated usage when none is scripted.
    const finish = first.at(-1);
    expect(finish?.type === "finish" && finish.usage.inputTokens > 0).toBe(true);
  });

  it("throws scripted errors after the text, and when the script runs out", async () => {
    const faux = createFauxModel([{ text: "partial", error: new Error("boom") }]);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of faux.stream(request("x"), new AbortController().signal))
          seen.push(event.type);
      })(),
    ).rejects.toThrow("boom");
    expect(seen).toContain("text-delta");
    await expect(collect(faux.stream(request("y"), new AbortController().signal))).rejects.toThrow(
      /no scripted reply/,
    );
  });

  it("stops with AbortedError when aborted", async () => {
    const faux = createFauxModel([{ text: "a long answer that streams" }]);
    const controller = new AbortController();
    controller.abort();
    await expect(collect(faux.stream(request("x"), controller.signal))).rejects.toBeInstanceOf(AbortedError);
  });

  it("takes model info overrides", () => {
    const faux = createFauxModel([], { family: "claude", contextWindow: 1000 });
    expect(faux.info).toMatchObject({ provider: "faux", family: "claude", contextWindow: 1000 });
  });
});
