import type { AssistantMessage, Message, ModelEnding, ToolMessage } from "./messages.ts";
import type { ToolDisplay } from "./tool-display.ts";
import type { Usage } from "./usage.ts";

/**
 * Everything the loop tells its consumers. The TUI, print/json/stream-json,
 * ACP and subagents only consume these; none has a loop of its own.
 */
export type AgentEvent =
  /** A model request is about to be sent (turn = 1-based request number within this run). */
  | { type: "turn-start"; turn: number }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "tool-start"; toolCallId: string; toolName: string; input: unknown }
  | {
      type: "tool-end";
      toolCallId: string;
      toolName: string;
      output: string;
      isError: boolean;
      durationMs: number;
      display?: ToolDisplay;
    }
  /** A tool call the permission gate refused; the model is told why. */
  | { type: "tool-denied"; toolCallId: string; toolName: string; reason: string }
  /**
   * The request is sent again after delayMs; what the failed attempt streamed is void. `attempt`
   * numbers the attempt that failed, counting every attempt of this request (the provider's retries
   * and the loop's own re-request alike), so the one starting is attempt + 1 (modes/retry-line.ts).
   */
  | { type: "retry"; attempt: number; delayMs: number; reason: string }
  /** A message was added to the conversation (sessions persist these). */
  | { type: "message"; message: Message }
  | { type: "usage"; usage: Usage; costUsd: number }
  | { type: "turn-end"; turn: number; message: AssistantMessage; toolResults?: ToolMessage }
  /** Memories and past turns recalled for this user turn, with why, so the user sees what the model was shown. */
  | { type: "recall"; items: RecalledItem[] }
  /**
   * The conversation was compacted: replaced by a summary, after what mattered in it was saved to
   * memory. Tokens are the estimated size of the next request (system prompt, tools, conversation)
   * before and after; memoriesSaved counts the memory changes the save made (0 when there was none
   * to make, or the save failed, which a warning notice says).
   */
  | {
      type: "compact";
      trigger: CompactTrigger;
      tokensBefore: number;
      tokensAfter: number;
      memoriesSaved: number;
    }
  /** Something the user should see that did not stop the run (e.g. a hook failed). */
  | { type: "notice"; level: "info" | "warning"; text: string }
  | { type: "error"; message: string; fatal: boolean }
  | { type: "done"; reason: DoneReason; usage: Usage; costUsd: number; turns: number }
  /**
   * An event of a subagent started by the tool call parentToolCallId (the task tool): its
   * progress, messages and usage, told apart from the parent's own. Its usage (model: the
   * subagent's model) counts into the run's and the session's totals; its messages are not
   * part of the parent's conversation.
   */
  | { type: "subagent"; parentToolCallId: string; agent: string; model: string; event: AgentEvent };

/**
 * What started a compaction: the 85% rule before a turn, the same rule between the requests of a
 * turn, the provider refusing a request as too long, or the user (/compact).
 */
export type CompactTrigger = "before-turn" | "mid-turn" | "overflow" | "manual";

/** How a run ended; the model's own short endings (core/model.ts ModelEnding) are endings of the run too. */
export type DoneReason = "stop" | "max-turns" | "aborted" | "error" | ModelEnding;

export interface RecalledItem {
  id: string;
  kind: "memory" | "transcript";
  scope: string;
  title: string;
  /** Why it was picked: matched terms, recency, scope. */
  reasons: string[];
  /** Approximate tokens it added to the request. */
  tokens: number;
  /** A stale memory: the project files it names that no longer exist (memory/freshness.ts). */
  missingPaths?: string[];
  /** A past turn (kind "transcript"): the session it was said in. */
  sessionId?: string;
}
