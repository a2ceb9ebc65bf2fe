import { describe, expect, it } from "vitest";
import { continueAfterSummary } from "../../src/agent/compaction.ts";
import { trimOldToolResults } from "../../src/agent/context-trim.ts";
import { runAgent } from "../../src/agent/loop.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import {
  type AssistantMessage,
  type Message,
  type ToolMessage,
  userMessage,
} from "../../src/core/messages.ts";
import { newToolSessionState } from "../../src/core/tool.ts";
import { createFauxModel } from "../../src/providers/faux.ts";
import { ContextOverflowError, isContextOverflowMessage } from "../../src/providers/retry.ts";

const call = (id: string): AssistantMessage => ({
  role: "assistant",
  content: [{ type: "tool-call", toolCallId: id, toolName: "Read", input: { file_path: `/${id}` } }],
});
const result = (id: string, output: string): ToolMessage => ({
  role: "tool",
  content: [{ type: "tool-result", toolCallId: id, toolName: "Read", output }],
});

describe("trimming old tool results", () => {
  const conversation: Message[] = [
    userMessage("read everything"),
    call("a"),
    result("a", "A".repeat(20_000)),
    call("b"),
    result("b", "short output"),
    call("c"),
    result("c", "C".repeat(20_000)),
    call("d"),
    result("d", "D".repeat(20_000)),
  ];

  it("cuts the oldest large results first, with a note, until the target is met", () => {
    const trimmed = trimOldToolResults(conversation, 12_000);
    expect(trimmed.cutResults).toBe(1);
    const first = (trimmed.messages[2] as ToolMessage).content[0]!.output;
    expect(first.startsWith("A".repeat(200))).toBe(true);
    expect(first).toContain(
      "[tacit: 19800 more characters of this Read result were cut to keep the conversation within the model's context window; run the tool again if you need them]",
    );
    expect((trimmed.messages[6] as ToolMessage).content[0]!.output).toBe("C".repeat(20_000));
    // The input is not changed.
    expect((conversation[2] as ToolMessage).content[0]!.output).toBe("A".repeat(20_000));
  });

  it("never cuts the newest results or small ones", () => {
    const trimmed = trimOldToolResults(conversation, 0);
    expect(trimmed.cutResults).toBe(2);
    expect((trimmed.messages[4] as ToolMessage).content[0]!.output).toBe("short output");
    expect((trimmed.messages[8] as ToolMessage).content[0]!.output).toBe("D".repeat(20_000));
  });
});

describe("going on after a summary written mid-turn", () => {
  const summary = userMessage(
    "[tacit: summary of earlier turns, which were compacted to free context]\n\nGoal: x",
  );

  it("keeps the newest tool calls and their results after the summary", () => {
    const messages: Message[] = [userMessage("go"), call("a"), result("a", "1"), call("b"), result("b", "2")];
    expect(continueAfterSummary(summary, messages)).toEqual([summary, messages[3], messages[4]]);
  });

  it("joins a pending user message to the summary, so two user messages never follow each other", () => {
    const messages: Message[] = [userMessage("go"), call("a"), result("a", "1"), userMessage("now this")];
    expect(continueAfterSummary(summary, messages)).toEqual([
      { role: "user", content: [...summary.content, { type: "text", text: "now this" }] },
    ]);
  });
});

describe("each wire's words for a prompt too long", () => {
  it.each([
    "prompt is too long: 210000 tokens > 200000 maximum",
    "Your input exceeds the context window of this model. Please adjust your input and try again.",
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    "The input token count (1100000) exceeds the maximum number of tokens allowed (1048576).",
    "the request exceeds the available context size, try increasing it",
  ])("%s", (message) => {
    expect(isContextOverflowMessage(message)).toBe(true);
  });

  it("is not fooled by other 400s", () => {
    expect(isContextOverflowMessage("messages.1.content: tool_use ids must be unique")).toBe(false);
  });
});

describe("the loop after a 'prompt too long' refusal", () => {
  async function run(overflows: number) {
    let thrown = 0;
    const model = createFauxModel([
      ...Array.from({ length: overflows }, () => () => {
        thrown++;
        return { error: new ContextOverflowError("anthropic: 400 Bad Request: prompt is too long", 400) };
      }),
      { text: "Fits now." },
    ]);
    const reasons: string[] = [];
    const events: AgentEvent[] = [];
    for await (const event of runAgent({
      model,
      system: "test",
      messages: [userMessage("a long history")],
      prompt: userMessage("go"),
      tools: [],
      toolContext: { cwd: "/tmp", projectRoot: "/tmp", state: newToolSessionState() },
      signal: new AbortController().signal,
      hooks: {
        async *fitContext(_messages, reason) {
          reasons.push(reason);
          if (reason === "before-request") return undefined;
          yield { type: "notice", level: "info", text: "made room" };
          return [userMessage("go")];
        },
      },
    })) {
      events.push(event);
    }
    return { events, reasons, thrown, model };
  }

  it("makes room and sends the request again, once", async () => {
    const { events, reasons, model } = await run(1);
    expect(events.at(-1)).toMatchObject({ type: "done", reason: "stop", turns: 1 });
    expect(reasons.filter((reason) => reason === "overflow")).toHaveLength(1);
    expect(model.requests.at(-1)!.messages).toEqual([userMessage("go")]);
  });

  it("reports the provider's refusal when the second try is refused too", async () => {
    const { events, thrown } = await run(2);
    expect(thrown).toBe(2);
    expect(events).toContainEqual({
      type: "error",
      message: "anthropic: 400 Bad Request: prompt is too long",
      fatal: true,
    });
    expect(events.at(-1)).toMatchObject({ type: "done", reason: "error" });
  });
});
