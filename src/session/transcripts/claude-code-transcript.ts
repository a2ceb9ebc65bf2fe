import type { AssistantMessage } from "../../core/messages.ts";
import { MessageCollector } from "./message-collector.ts";
import { clipInput, clipText, isRecord, type TranscriptConverter } from "./transcript-types.ts";

/**
 * Claude Code's session transcript (`~/.claude/projects/<slug>/<uuid>.jsonl`), one entry a line:
 * `user` and `assistant` entries carry an Anthropic Messages API `message` (text, thinking, tool_use,
 * tool_result blocks; a reply's blocks are written as separate entries sharing message.id); the rest
 * — attachments (system reminders), queue operations, recorded API requests, cost state, summaries,
 * last-prompt markers — are Claude Code's own bookkeeping and say nothing the conversation did not.
 * Left out as well: sidechains (a subagent's conversation), meta entries (text Claude Code injected
 * as the user), compaction summaries (the conversation they summarize is earlier in the same file)
 * and the synthetic replies Claude Code writes for API errors.
 */
export function createClaudeCodeConverter(): TranscriptConverter {
  const collector = new MessageCollector();
  // tool_use id → tool name: a result names only the id of a call made entries before it.
  const toolNames = new Map<string, string>();

  const userText = (text: string) => {
    const said = userWords(text);
    if (said) collector.user(clipText(said));
  };

  const userEntry = (message: Record<string, unknown>): boolean => {
    const content = message.content;
    if (typeof content === "string") {
      userText(content);
      return true;
    }
    if (!Array.isArray(content)) return false;
    for (const block of content) {
      if (!isRecord(block)) return false;
      if (block.type === "text" && typeof block.text === "string") userText(block.text);
      else if (block.type === "image") userText("[an image]");
      else if (block.type === "tool_result" && typeof block.tool_use_id === "string") {
        collector.toolResult({
          type: "tool-result",
          toolCallId: block.tool_use_id,
          toolName: toolNames.get(block.tool_use_id) ?? "tool",
          output: clipText(toolResultText(block.content)),
          ...(block.is_error === true ? { isError: true } : {}),
        });
      }
    }
    return true;
  };

  const assistantEntry = (message: Record<string, unknown>): boolean => {
    const content =
      typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (!Array.isArray(content)) return false;
    const parts: AssistantMessage["content"] = [];
    for (const block of content) {
      if (!isRecord(block)) return false;
      if (block.type === "text" && typeof block.text === "string" && block.text.trim())
        parts.push({ type: "text", text: clipText(block.text) });
      else if (block.type === "thinking" && typeof block.thinking === "string" && block.thinking.trim())
        parts.push({ type: "reasoning", text: clipText(block.thinking) });
      else if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string") {
        toolNames.set(block.id, block.name);
        parts.push({
          type: "tool-call",
          toolCallId: block.id,
          toolName: block.name,
          input: clipInput(block.input),
        });
      }
    }
    collector.assistant(parts);
    return true;
  };

  return {
    accept(entry) {
      if (entry.type !== "user" && entry.type !== "assistant") return true;
      if (entry.isSidechain === true || entry.isMeta === true || entry.isCompactSummary === true) return true;
      if (entry.isApiErrorMessage === true) return true;
      if (!isRecord(entry.message)) return false;
      return entry.type === "user" ? userEntry(entry.message) : assistantEntry(entry.message);
    },
    take: () => collector.take(),
    get heldChars() {
      return collector.heldChars;
    },
  };
}

/**
 * What the user said in a user text block: Claude Code's system reminders taken out, a slash command
 * written as the user typed it, and the echo of a local command's output (not the user's words) dropped.
 */
function userWords(text: string): string {
  const withoutReminders = text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, "").trim();
  if (
    /^<(local-command-stdout|local-command-stderr|local-command-caveat|bash-stdout|bash-stderr)>/.test(
      withoutReminders,
    )
  )
    return "";
  const command = /<command-name>([\s\S]*?)<\/command-name>/.exec(withoutReminders);
  if (command) {
    const args = /<command-args>([\s\S]*?)<\/command-args>/.exec(withoutReminders)?.[1]?.trim();
    return [command[1]!.trim(), args].filter(Boolean).join(" ");
  }
  const shell = /^<bash-input>([\s\S]*?)<\/bash-input>$/.exec(withoutReminders);
  if (shell) return `! ${shell[1]!.trim()}`;
  return withoutReminders;
}

/** A tool_result's content: a string, or blocks of which the text ones are read. */
function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) => {
      if (!isRecord(block)) return "";
      if (block.type === "text" && typeof block.text === "string") return block.text;
      return block.type === "image" ? "[an image]" : "";
    })
    .filter(Boolean)
    .join("\n");
}
