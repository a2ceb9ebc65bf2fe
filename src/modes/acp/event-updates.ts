import path from "node:path";
import type { SessionUpdate, StopReason, ToolCallContent } from "@agentclientprotocol/sdk";
import { realPathOfNearest } from "../../agent/permission-paths.ts";
import type { AgentEvent, DoneReason } from "../../core/events.ts";
import type { Tool, ToolDisplay } from "../../core/tool.ts";
import { describeToolCall } from "./tool-call-info.ts";

/** What a turn's events are turned into updates against: the session's tools and where it runs. */
export interface UpdateContext {
  tools: () => readonly Tool[];
  cwd: string;
  projectRoot: string;
}

/**
 * One loop event as the session/update notifications an editor understands: text and reasoning as
 * message and thought chunks, a tool call as tool_call then tool_call_update (with a diff for each
 * file an edit changed), the todo tool's list as a plan. Events an editor has no place for
 * (usage, turn boundaries, stored messages) give none.
 */
export function eventUpdates(event: AgentEvent, context: UpdateContext): SessionUpdate[] {
  switch (event.type) {
    case "text-delta":
      return [{ sessionUpdate: "agent_message_chunk", content: { type: "text", text: event.text } }];
    case "reasoning-delta":
      return [{ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: event.text } }];
    case "tool-start": {
      const info = describeToolCall(context.tools(), event.toolName, event.input, context);
      return [
        {
          sessionUpdate: "tool_call",
          toolCallId: event.toolCallId,
          title: info.title,
          kind: info.kind,
          status: "pending",
          locations: info.locations,
          rawInput: event.input,
        },
      ];
    }
    case "tool-denied":
      return [
        {
          sessionUpdate: "tool_call_update",
          toolCallId: event.toolCallId,
          status: "failed",
          content: [textContent(event.reason)],
        },
      ];
    case "tool-end": {
      const updates: SessionUpdate[] = [
        {
          sessionUpdate: "tool_call_update",
          toolCallId: event.toolCallId,
          status: event.isError ? "failed" : "completed",
          content: toolContent(event.output, event.isError ? undefined : event.display),
          rawOutput: { output: event.output },
        },
      ];
      if (event.display?.kind === "todos") {
        updates.push({
          sessionUpdate: "plan",
          entries: event.display.items.map((item) => ({
            content: item.content,
            priority: "medium",
            status: item.status,
          })),
        });
      }
      return updates;
    }
    default:
      return [];
  }
}

/** A finished edit shows its diffs (the editor draws them); anything else shows its output. */
function toolContent(output: string, display: ToolDisplay | undefined): ToolCallContent[] {
  if (display?.kind === "diff" && display.changes && display.changes.length > 0) {
    return display.changes.map((change) => ({
      type: "diff",
      // The file as it is in tacit's process: the model's text (/proc/self/cwd/…) would mean
      // another file in the editor's, as for the tool call's locations (tool-call-info.ts).
      path: path.isAbsolute(change.path) ? realPathOfNearest(change.path) : change.path,
      ...(change.oldText !== undefined ? { oldText: change.oldText } : {}),
      newText: change.newText,
    }));
  }
  return output ? [textContent(output)] : [];
}

export function textContent(text: string): ToolCallContent {
  return { type: "content", content: { type: "text", text } };
}

/** How a turn ended, in ACP's words. */
export function stopReasonOf(reason: DoneReason): StopReason {
  if (reason === "max-turns") return "max_turn_requests";
  if (reason === "aborted") return "cancelled";
  // The model's own short endings: ACP has no word for a provider's filter, whose stop is a refusal to go on,
  // and the context window is a token limit too. (A call the provider could not read is an error: acp-session.)
  if (reason === "max-tokens" || reason === "context-window") return "max_tokens";
  if (reason === "refusal" || reason === "content-filter") return "refusal";
  return "end_turn";
}
