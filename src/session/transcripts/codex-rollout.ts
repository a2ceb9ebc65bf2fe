import type { AssistantMessage } from "../../core/messages.ts";
import { MessageCollector } from "./message-collector.ts";
import { clipInput, clipText, isRecord, type TranscriptConverter } from "./transcript-types.ts";

/**
 * Codex's rollout file (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl`): a
 * `session_meta` line (id, cwd), then `response_item` lines holding the Responses API items the model
 * saw and made (message, reasoning, function_call, function_call_output, custom tool calls), with
 * `event_msg` (the same turns as UI events), `turn_context` and other bookkeeping between, which
 * repeat what the items say and are passed over. Rollouts written before the `response_item`
 * wrapper hold the items as lines of their own; both are read.
 */
export function createCodexConverter(): TranscriptConverter {
  const collector = new MessageCollector();
  const toolNames = new Map<string, string>();

  const message = (item: Record<string, unknown>): boolean => {
    if (!Array.isArray(item.content)) return false;
    if (item.role === "user") {
      for (const part of item.content) {
        if (
          isRecord(part) &&
          part.type === "input_text" &&
          typeof part.text === "string" &&
          !isInjected(part.text)
        )
          collector.user(clipText(part.text));
      }
    } else if (item.role === "assistant") {
      const parts: AssistantMessage["content"] = [];
      for (const part of item.content) {
        if (
          isRecord(part) &&
          part.type === "output_text" &&
          typeof part.text === "string" &&
          part.text.trim()
        )
          parts.push({ type: "text", text: clipText(part.text) });
      }
      collector.assistant(parts);
    }
    // developer and system messages are Codex's instructions, not the conversation.
    return true;
  };

  const call = (callId: unknown, name: unknown, input: unknown): boolean => {
    if (typeof callId !== "string" || typeof name !== "string") return false;
    toolNames.set(callId, name);
    collector.assistant([{ type: "tool-call", toolCallId: callId, toolName: name, input: clipInput(input) }]);
    return true;
  };

  const item = (entry: Record<string, unknown>): boolean => {
    switch (entry.type) {
      case "message":
        return message(entry);
      case "reasoning": {
        const text = reasoningText(entry);
        if (text) collector.assistant([{ type: "reasoning", text: clipText(text) }]);
        return true;
      }
      case "function_call":
        return call(entry.call_id, entry.name, parsedArguments(entry.arguments));
      case "custom_tool_call":
        return call(entry.call_id, entry.name, entry.input);
      case "local_shell_call":
        return call(entry.call_id ?? entry.id, "local_shell", isRecord(entry.action) ? entry.action : {});
      case "function_call_output":
      case "custom_tool_call_output": {
        if (typeof entry.call_id !== "string") return false;
        collector.toolResult({
          type: "tool-result",
          toolCallId: entry.call_id,
          toolName: toolNames.get(entry.call_id) ?? "tool",
          output: clipText(outputText(entry.output)),
        });
        return true;
      }
      default:
        return true;
    }
  };

  return {
    accept(entry) {
      if (entry.type === "response_item") return isRecord(entry.payload) ? item(entry.payload) : false;
      // Older rollouts: the item itself is the line (and has no payload).
      if (entry.payload === undefined && typeof entry.type === "string") return item(entry);
      return true;
    },
    take: () => collector.take(),
    get heldChars() {
      return collector.heldChars;
    },
  };
}

/**
 * Text Codex puts in a user message that the user did not type: the environment context, AGENTS.md
 * and other instructions, each one tagged block (`<environment_context>…</environment_context>`).
 */
function isInjected(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith("# AGENTS.md instructions for ")) return true;
  const tag = /^<([A-Za-z_][\w -]*)>/.exec(trimmed)?.[1];
  return tag !== undefined && trimmed.endsWith(`</${tag}>`);
}

function parsedArguments(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The summary a reasoning item shows (its raw content when Codex kept it); encrypted content is not readable. */
function reasoningText(entry: Record<string, unknown>): string {
  const pieces = [entry.summary, entry.content].flatMap((list) => (Array.isArray(list) ? list : []));
  return pieces
    .map((piece) => (isRecord(piece) && typeof piece.text === "string" ? piece.text : ""))
    .filter((text) => text.trim())
    .join("\n");
}

/** A call's output: a string, `{ content, success }` in older rollouts, or content items. */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (isRecord(output)) return outputText(output.content);
  if (!Array.isArray(output)) return "";
  return output
    .map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : ""))
    .filter(Boolean)
    .join("\n");
}
