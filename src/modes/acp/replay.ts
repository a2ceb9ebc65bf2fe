import type { SessionUpdate } from "@agentclientprotocol/sdk";
import type { Message } from "../../core/messages.ts";
import { textContent, type UpdateContext } from "./event-updates.ts";
import { describeToolCall } from "./tool-call-info.ts";

/**
 * A stored conversation as the session/update notifications session/load replays: the user's words
 * (without the context tacit added for the model, which the user never typed), the answers, the
 * reasoning, and each tool call with its result. Diffs are not kept in the database, so a replayed
 * edit shows its result text.
 */
export function replayUpdates(messages: readonly Message[], context: UpdateContext): SessionUpdate[] {
  const updates: SessionUpdate[] = [];
  for (const message of messages) {
    if (message.role === "user") {
      for (const part of message.content) {
        if (part.type !== "text" || part.turnContext || !part.text) continue;
        updates.push({ sessionUpdate: "user_message_chunk", content: { type: "text", text: part.text } });
      }
    } else if (message.role === "assistant") {
      for (const part of message.content) {
        if (part.type === "text" && part.text) {
          updates.push({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: part.text } });
        } else if (part.type === "reasoning" && part.text) {
          updates.push({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: part.text } });
        } else if (part.type === "tool-call") {
          const info = describeToolCall(context.tools(), part.toolName, part.input, context);
          updates.push({
            sessionUpdate: "tool_call",
            toolCallId: part.toolCallId,
            title: info.title,
            kind: info.kind,
            status: "pending",
            locations: info.locations,
            rawInput: part.input,
          });
        }
      }
    } else {
      for (const result of message.content) {
        updates.push({
          sessionUpdate: "tool_call_update",
          toolCallId: result.toolCallId,
          status: result.isError ? "failed" : "completed",
          content: result.output ? [textContent(result.output)] : [],
        });
      }
    }
  }
  return updates;
}
