import type { AgentEvent, DoneReason } from "../core/events.ts";
import type { AssistantMessage, ToolMessage } from "../core/messages.ts";
import { isModelEnding, messageText } from "../core/messages.ts";
import { terminalSafe } from "../core/terminal-safe.ts";
import type { Usage } from "../core/usage.ts";

export type OutputFormat = "text" | "json" | "stream-json";

export interface PrintRunInfo {
  sessionId: string;
  model: string;
  cwd: string;
  tools: string[];
  permissionMode: string;
  includePartialMessages: boolean;
  /** Narrate each tool call, retry and request's usage on stderr (text and json formats). */
  verbose?: boolean;
}

export interface PrintOutcome {
  exitCode: number;
}

interface Writers {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Headless output, shaped like Claude Code's so scripts written for it read
 * ours: text prints the final answer; json prints one result object at the end;
 * stream-json prints one JSON event per line as it happens.
 */
export async function printRun(
  events: AsyncIterable<AgentEvent>,
  format: OutputFormat,
  info: PrintRunInfo,
  writers: Writers = {
    stdout: (text) => process.stdout.write(text),
    // Tool names, inputs, errors and notices carry text from outside (a repository, a server): escaped.
    stderr: (text) => process.stderr.write(terminalSafe(text, { keepLines: true })),
  },
): Promise<PrintOutcome> {
  const started = Date.now();
  let apiMilliseconds = 0;
  // When the request now out began; a retried request (a provider's retry, a call it could not read,
  // a refusal as too long) is one request until its answer, so its failed attempts count too.
  let requestStarted: number | undefined;
  let lastAssistantText = "";
  let errorText: string | undefined;
  // The loop's one line for an answer that ended short is its last warning notice.
  let lastWarning: string | undefined;
  let doneEvent: Extract<AgentEvent, { type: "done" }> | undefined;
  const line = (value: unknown) => writers.stdout(`${JSON.stringify(value)}\n`);
  // A refused call also ends (with the refusal as its error output): said once, at the refusal.
  const refusedCalls = new Set<string>();

  if (format === "stream-json") {
    line({
      type: "system",
      subtype: "init",
      session_id: info.sessionId,
      cwd: info.cwd,
      model: info.model,
      tools: info.tools,
      permissionMode: info.permissionMode,
    });
  }

  // The text of the answer being streamed: printed if storing the run fails before its message arrives.
  let streamed = "";
  let storageFailure: unknown;
  try {
    for await (const event of events) {
      switch (event.type) {
        case "turn-start":
          requestStarted ??= Date.now();
          streamed = "";
          break;
        case "tool-start":
          if (info.verbose && format !== "stream-json") {
            writers.stderr(`tacit: → ${event.toolName} ${oneLineInput(event.input)}\n`);
          }
          break;
        case "usage":
          if (info.verbose && format !== "stream-json") {
            const usage = event.usage;
            writers.stderr(
              `tacit: request used ${usage.inputTokens} input tokens (${usage.cacheReadTokens} from cache), ${usage.outputTokens} output, $${event.costUsd.toFixed(4)}\n`,
            );
          }
          break;
        case "text-delta":
          streamed += event.text;
          if (format === "stream-json" && info.includePartialMessages) {
            line({
              type: "stream_event",
              event: { type: "content_block_delta", delta: { type: "text_delta", text: event.text } },
              session_id: info.sessionId,
            });
          }
          break;
        case "message":
          if (event.message.role === "assistant") {
            apiMilliseconds += Date.now() - (requestStarted ?? Date.now());
            requestStarted = undefined;
            const text = messageText(event.message);
            // An answer that ended short is reported as itself: with no text of its own (only a cut
            // call came), an earlier turn's words are not "what came of it".
            if (text || event.message.ending) lastAssistantText = text;
          }
          // The prompt is not echoed back (as in Claude Code's stream-json): the caller sent it.
          if (format === "stream-json" && event.message.role !== "user")
            line(toClaudeStreamMessage(event.message, info));
          break;
        case "tool-end":
          if (refusedCalls.has(event.toolCallId)) break;
          if (event.isError && format === "text") {
            writers.stderr(`tacit: ${event.toolName}: ${firstLine(event.output)}\n`);
          } else if (info.verbose && format !== "stream-json") {
            writers.stderr(`tacit: ← ${event.toolName} done in ${event.durationMs} ms\n`);
          }
          break;
        case "tool-denied":
          refusedCalls.add(event.toolCallId);
          // Whole, never cut: its end is the rule to pass (--allowed-tools '…') to allow the call.
          if (format === "text")
            writers.stderr(`tacit: ${event.toolName} not permitted: ${refusalText(event.reason)}\n`);
          break;
        case "retry":
          if (format === "stream-json") {
            line({
              type: "system",
              subtype: "api_retry",
              attempt: event.attempt,
              retry_delay_ms: event.delayMs,
              error: event.reason,
              session_id: info.sessionId,
            });
          } else {
            const when = event.delayMs > 0 ? `in ${(event.delayMs / 1000).toFixed(1)}s` : "now";
            writers.stderr(`tacit: ${event.reason}; retrying ${when} (attempt ${event.attempt + 1})\n`);
          }
          break;
        case "notice":
          if (event.level === "warning") lastWarning = event.text;
          if (format === "stream-json") {
            line({
              type: "system",
              subtype: "notice",
              level: event.level,
              text: event.text,
              session_id: info.sessionId,
            });
          } else if (event.level === "warning") {
            writers.stderr(`tacit: ${event.text}\n`);
          }
          break;
        case "compact":
          if (format === "stream-json") {
            line({
              type: "compact",
              trigger: event.trigger,
              tokens_before: event.tokensBefore,
              tokens_after: event.tokensAfter,
              tokens_freed: Math.max(0, event.tokensBefore - event.tokensAfter),
              memories_saved: event.memoriesSaved,
              session_id: info.sessionId,
            });
          } else if (info.verbose) {
            writers.stderr(
              `tacit: compacted the conversation (${event.trigger}): ~${event.tokensBefore} → ~${event.tokensAfter} tokens of context, ${event.memoriesSaved} memories saved first\n`,
            );
          }
          break;
        case "subagent":
          printSubagentEvent(event, format, info, writers);
          break;
        case "error":
          errorText = event.message;
          break;
        case "done":
          // A request that failed for good was waited on all the same.
          if (requestStarted !== undefined) apiMilliseconds += Date.now() - requestStarted;
          doneEvent = event;
          break;
        default: {
          // Events added by later features (e.g. recall) are passed through in stream-json.
          const { type, ...rest } = event as { type: string };
          if (
            format === "stream-json" &&
            !["reasoning-delta", "tool-start", "usage", "turn-end"].includes(type)
          ) {
            line({ type: "system", subtype: type, ...rest, session_id: info.sessionId });
          }
        }
      }
    }
  } catch (error) {
    // Storing the run failed (a full disk, a file size limit) after the model answered: what it
    // answered is still printed, then the error is reported as the command's failure.
    storageFailure = error;
    if (streamed !== "") lastAssistantText = streamed;
  }

  const reason: DoneReason = doneEvent?.reason ?? "error";
  const isError = reason !== "stop";
  const endedShort = isModelEnding(reason);
  const result = {
    type: "result",
    subtype: resultSubtype(reason),
    is_error: isError,
    stop_reason: stopReasonOf(reason),
    duration_ms: Date.now() - started,
    duration_api_ms: apiMilliseconds,
    num_turns: doneEvent?.turns ?? 0,
    result: errorText && reason === "error" ? errorText : lastAssistantText,
    session_id: info.sessionId,
    total_cost_usd: roundCost(doneEvent?.costUsd ?? 0),
    usage: toClaudeUsage(doneEvent?.usage),
  };

  if (format === "json" || format === "stream-json") {
    line(result);
  } else if (
    !isError ||
    reason === "max-turns" ||
    ((endedShort || storageFailure !== undefined) && lastAssistantText !== "")
  ) {
    // What came of an answer cut or refused is printed too: the line on stderr and the exit say it is not whole.
    writers.stdout(lastAssistantText.endsWith("\n") ? lastAssistantText : `${lastAssistantText}\n`);
  }
  // text and json wrote the line when the notice came; stream-json has it in the stream and on stderr.
  if (endedShort && format === "stream-json" && lastWarning) writers.stderr(`tacit: ${lastWarning}\n`);

  if (storageFailure !== undefined) throw storageFailure;
  if (reason === "error") writers.stderr(`tacit: ${errorText ?? "the run failed"}\n`);
  if (reason === "aborted") writers.stderr("tacit: interrupted\n");
  if (reason === "max-turns" && format === "text") writers.stderr("tacit: stopped at --max-turns\n");
  return { exitCode: reason === "stop" ? 0 : reason === "aborted" ? 130 : 1 };
}

/**
 * How the model ended the run's last answer, in the words of Claude Code's result (its stop_reason
 * field, Anthropic's names): null when the run did not end on an answer (an error, an interrupt, --max-turns).
 */
function stopReasonOf(reason: DoneReason): string | null {
  switch (reason) {
    case "stop":
      return "end_turn";
    case "max-tokens":
      return "max_tokens";
    case "context-window":
      return "model_context_window_exceeded";
    case "refusal":
      return "refusal";
    case "content-filter":
      return "content_filter";
    case "malformed-call":
      return "malformed_function_call";
    default:
      return null;
  }
}

function resultSubtype(reason: DoneReason): string {
  switch (reason) {
    case "stop":
      return "success";
    case "max-turns":
      return "error_max_turns";
    case "aborted":
      return "error_interrupted";
    case "max-tokens":
      return "error_max_tokens";
    case "context-window":
      return "error_context_window";
    case "refusal":
      return "error_refusal";
    case "content-filter":
      return "error_content_filter";
    case "malformed-call":
      return "error_malformed_function_call";
    default:
      return "error_during_execution";
  }
}

/**
 * A subagent's events: in stream-json its messages, as Claude Code writes a Task's, with
 * `parent_tool_use_id` naming the call that started it (and `subagent` its agent), so a consumer
 * tells them from the parent's; in text, what the user must know (a refused call) on stderr.
 */
function printSubagentEvent(
  event: Extract<AgentEvent, { type: "subagent" }>,
  format: OutputFormat,
  info: PrintRunInfo,
  writers: Writers,
): void {
  const inner = event.event;
  if (format === "stream-json") {
    const parent = { id: event.parentToolCallId, agent: event.agent };
    if (inner.type === "message" && inner.message.role !== "user") {
      writers.stdout(
        `${JSON.stringify(toClaudeStreamMessage(inner.message, { ...info, model: event.model }, parent))}\n`,
      );
    } else if (inner.type === "notice" || inner.type === "error") {
      const text = inner.type === "notice" ? inner.text : inner.message;
      const level = inner.type === "notice" ? inner.level : "error";
      const line = { type: "system", subtype: "notice", level, text, session_id: info.sessionId };
      writers.stdout(
        `${JSON.stringify({ ...line, parent_tool_use_id: parent.id, subagent: parent.agent })}\n`,
      );
    }
    return;
  }
  if (inner.type === "tool-denied" && format === "text") {
    writers.stderr(
      `tacit: ${event.agent} subagent: ${inner.toolName} not permitted: ${refusalText(inner.reason)}\n`,
    );
  } else if (inner.type === "tool-start" && info.verbose) {
    writers.stderr(`tacit: → [${event.agent}] ${inner.toolName} ${oneLineInput(inner.input)}\n`);
  }
}

/** Tool results travel as a "user" message, as in Claude Code's stream-json; the prompt itself is never echoed. */
function toClaudeStreamMessage(
  message: AssistantMessage | ToolMessage,
  info: PrintRunInfo,
  parent?: { id: string; agent: string },
): unknown {
  const origin = parent
    ? { parent_tool_use_id: parent.id, subagent: parent.agent }
    : { parent_tool_use_id: null };
  if (message.role === "assistant")
    return {
      type: "assistant",
      message: assistantPayload(message, info),
      session_id: info.sessionId,
      ...origin,
    };
  return {
    type: "user",
    message: {
      role: "user",
      content: message.content.map((part) => ({
        type: "tool_result",
        tool_use_id: part.toolCallId,
        content: part.output,
        is_error: part.isError === true,
      })),
    },
    session_id: info.sessionId,
    ...origin,
  };
}

function assistantPayload(message: AssistantMessage, info: PrintRunInfo): unknown {
  return {
    type: "message",
    role: "assistant",
    model: info.model,
    content: message.content.map((part) => {
      if (part.type === "text") return { type: "text", text: part.text };
      if (part.type === "reasoning") return { type: "thinking", thinking: part.text };
      return { type: "tool_use", id: part.toolCallId, name: part.toolName, input: part.input };
    }),
  };
}

function toClaudeUsage(usage: Usage | undefined): Record<string, number> {
  return {
    input_tokens: usage?.inputTokens ?? 0,
    output_tokens: usage?.outputTokens ?? 0,
    cache_creation_input_tokens: usage?.cacheWriteTokens ?? 0,
    cache_read_input_tokens: usage?.cacheReadTokens ?? 0,
  };
}

function roundCost(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function oneLineInput(input: unknown): string {
  const text = typeof input === "string" ? input : JSON.stringify(input);
  return firstLine(text ?? "");
}

/** The gate's reason without its own "Not permitted:" lead (the line already says it), on one line. */
function refusalText(reason: string): string {
  return reason
    .replace(/^Not permitted:\s*/i, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

function firstLine(text: string): string {
  const first = text.split("\n", 1)[0] ?? "";
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}
