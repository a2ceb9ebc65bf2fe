// The provider stream's parts as the agent loop reads them: what streamText used to make of them.
import { describe, expect, it } from "vitest";
import { streamErrorOf, toStreamEvent } from "../../src/providers/provider-stream.ts";
import { describeFailure } from "../../src/providers/retry.ts";

const tools = new Set(["read_file"]);

function toolCall(input: string, toolName = "read_file") {
  return toStreamEvent({ type: "tool-call", toolCallId: "c1", toolName, input }, tools);
}

describe("a tool call's input", () => {
  it("is parsed from its JSON text", () => {
    expect(toolCall('{"path":"a.txt"}')).toEqual({
      type: "tool-call",
      toolCallId: "c1",
      toolName: "read_file",
      input: { path: "a.txt" },
    });
  });

  it("stays text when it is not JSON, for the loop to answer with an error", () => {
    expect(toolCall('{"path": "a.t')).toMatchObject({ input: '{"path": "a.t' });
  });

  it("is an empty object when a known tool is called with nothing, and stays empty text for an unknown one", () => {
    expect(toolCall("  ")).toMatchObject({ input: {} });
    expect(toolCall("", "no_such_tool")).toMatchObject({ input: "" });
  });

  it("stays text when it would set an object's prototype", () => {
    expect(toolCall('{"__proto__":{"admin":true}}')).toMatchObject({ input: '{"__proto__":{"admin":true}}' });
  });
});

/** The finish part for these counts (input: total, no cache, cache read, cache write; output: total, text, reasoning). */
function finishPart(unified: string, input: (number | undefined)[], output: (number | undefined)[]) {
  const [total, noCache, cacheRead, cacheWrite] = input;
  const [outputTotal, text, reasoning] = output;
  return toStreamEvent(
    {
      type: "finish",
      finishReason: { unified: unified as "stop", raw: undefined },
      usage: {
        inputTokens: { total, noCache, cacheRead, cacheWrite },
        outputTokens: { total: outputTotal, text, reasoning },
      },
    },
    tools,
  );
}

describe("the finish part", () => {
  it("carries the unified reason and the usage, cache reads and writes included", () => {
    expect(finishPart("stop", [100, 20, 70, 10], [40, 30, 10])).toEqual({
      type: "finish",
      finishReason: "stop",
      usage: { inputTokens: 100, outputTokens: 40, cacheReadTokens: 70, cacheWriteTokens: 10 },
    });
    // The output limit is an ending the loop tells the user about (model-endings.test.ts has each wire's).
    expect(finishPart("length", [100], [40])).toMatchObject({ finishReason: "length", ending: "max-tokens" });
  });

  it("reads a reason tacit does not know as other, and missing counts as zero", () => {
    expect(finishPart("interrupted", [], [])).toEqual({
      type: "finish",
      finishReason: "other",
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
  });
});

describe("reasoning and text parts", () => {
  it("pass reasoning signatures on, and drop empty text and the parts the loop does not read", () => {
    const signature = { anthropic: { signature: "sig" } };
    expect(toStreamEvent({ type: "reasoning-end", id: "r", providerMetadata: signature }, tools)).toEqual({
      type: "reasoning-delta",
      text: "",
      providerMetadata: signature,
    });
    expect(toStreamEvent({ type: "reasoning-start", id: "r" }, tools)).toBeUndefined();
    expect(toStreamEvent({ type: "text-delta", id: "t", delta: "" }, tools)).toBeUndefined();
    expect(toStreamEvent({ type: "stream-start", warnings: [] }, tools)).toBeUndefined();
    expect(toStreamEvent({ type: "raw", rawValue: {} }, tools)).toBeUndefined();
  });
});

describe("an error event inside the stream", () => {
  it("is thrown as an error retry.ts reads as the SDK's: Anthropic's overloaded_error is a retryable 503", () => {
    const raw = { type: "overloaded_error", message: "Overloaded" };
    const thrown = (() => {
      try {
        toStreamEvent({ type: "error", error: raw }, tools);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toMatchObject({ message: "Overloaded", statusCode: 503, isRetryable: true, data: raw });
    expect(describeFailure(thrown)).toEqual({ retryable: true, status: 503, message: "Overloaded" });
  });

  it("keeps a provider's own reading of the event, and its status", () => {
    const marked = {
      message: "rate limited",
      statusCode: 429,
      isRetryable: true,
      data: { error: { message: "slow down" } },
    };
    Object.defineProperty(marked, Symbol.for("vercel.ai.providerStreamError"), { value: true });
    const error = streamErrorOf(marked);
    expect(error).toMatchObject({
      statusCode: 429,
      isRetryable: true,
      data: { error: { message: "slow down" } },
    });
    expect(describeFailure(error)).toMatchObject({ retryable: true, status: 429, message: "slow down" });
  });

  it("passes an Error, and an object without a message, as they are", () => {
    const error = new Error("socket hang up");
    expect(streamErrorOf(error)).toBe(error);
    const odd = { code: 7 };
    expect(streamErrorOf(odd)).toBe(odd);
  });
});
