import { describe, expect, it } from "vitest";
import { answerDanglingToolCalls, INTERRUPTED_TOOL_RESULT } from "../../src/agent/conversation-repair.ts";
import type { Message } from "../../src/core/messages.ts";

const call = (id: string) => ({
  type: "tool-call" as const,
  toolCallId: id,
  toolName: "Bash",
  input: { command: "ls" },
});
const result = (id: string) => ({
  type: "tool-result" as const,
  toolCallId: id,
  toolName: "Bash",
  output: `out ${id}`,
});

describe("answerDanglingToolCalls", () => {
  it("answers the calls of a turn cut off before its tools finished", () => {
    const history: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [call("a"), call("b")] },
      { role: "user", content: [{ type: "text", text: "go on" }] },
    ];
    const repaired = answerDanglingToolCalls(history);
    expect(repaired).toHaveLength(4);
    expect(repaired[2]).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "a",
          toolName: "Bash",
          output: INTERRUPTED_TOOL_RESULT,
          isError: true,
        },
        {
          type: "tool-result",
          toolCallId: "b",
          toolName: "Bash",
          output: INTERRUPTED_TOOL_RESULT,
          isError: true,
        },
      ],
    });
  });

  it("keeps the results that exist, fills the missing one, and drops results that answer nothing", () => {
    const history: Message[] = [
      { role: "assistant", content: [call("a"), call("b")] },
      { role: "tool", content: [result("a"), result("stray")] },
    ];
    const repaired = answerDanglingToolCalls(history);
    expect(repaired[1]).toMatchObject({
      role: "tool",
      content: [
        { toolCallId: "a", output: "out a" },
        { toolCallId: "b", isError: true },
      ],
    });
  });

  it("leaves a well-formed conversation as it was", () => {
    const history: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [call("a")] },
      { role: "tool", content: [result("a")] },
      { role: "assistant", content: [{ type: "text", text: "done" }] },
    ];
    expect(answerDanglingToolCalls(history)).toEqual(history);
  });
});
