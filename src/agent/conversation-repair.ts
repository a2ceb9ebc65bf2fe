import type { Message, ToolMessage, ToolResultPart } from "../core/messages.ts";

export const INTERRUPTED_TOOL_RESULT =
  "Interrupted: tacit stopped (closed, killed or crashed) before this tool call finished; it may or may not have run.";

/**
 * A stored conversation can end mid-turn: the assistant's tool calls are saved
 * before the tools run, so a tacit that was closed or killed while a tool ran
 * leaves calls with no result. Every provider rejects such a history. This adds
 * an error result for each unanswered call (and drops results that answer no
 * call), so the session can be continued, on any provider.
 */
export function answerDanglingToolCalls(messages: readonly Message[]): Message[] {
  const repaired: Message[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role === "tool") continue; // placed with the assistant message it answers
    repaired.push(message);
    if (message.role !== "assistant") continue;
    const calls = message.content.filter((part) => part.type === "tool-call");
    if (calls.length === 0) continue;
    const next = messages[index + 1];
    const given = next?.role === "tool" ? next.content : [];
    const results: ToolResultPart[] = calls.map(
      (call) =>
        given.find((result) => result.toolCallId === call.toolCallId) ?? {
          type: "tool-result",
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output: INTERRUPTED_TOOL_RESULT,
          isError: true,
        },
    );
    const toolMessage: ToolMessage = { role: "tool", content: results };
    repaired.push(toolMessage);
  }
  return repaired;
}
