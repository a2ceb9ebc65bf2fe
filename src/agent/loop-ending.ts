import type { AgentEvent } from "../core/events.ts";
import type { AssistantMessage, Message, ModelEnding, ToolCallPart, ToolMessage } from "../core/messages.ts";
import type { ModelStreamEvent } from "../core/model.ts";
import { endingLine, notRunResult } from "./model-ending.ts";

type FinishEvent = Extract<ModelStreamEvent, { type: "finish" }>;

/**
 * The model ended its answer short (cut at the output limit or where the context window filled,
 * refused, filtered, a call the provider could not read): none of its tool calls runs (a cut call's
 * input may be half-formed, and one that parsed may be missing its sequel); each is answered as not
 * run and added to `messages`, so the conversation stays whole for --continue, and the user is told
 * in one line (`said`: what that line may add, see endingLine). The loop then ends the run with the
 * ending as its reason.
 */
export async function* endShort(
  messages: Message[],
  turn: number,
  message: AssistantMessage,
  ending: ModelEnding,
  finish: FinishEvent,
  said: { compactsNext: boolean; retried: boolean },
): AsyncGenerator<AgentEvent> {
  const toolCalls = message.content.filter((part): part is ToolCallPart => part.type === "tool-call");
  let toolMessage: ToolMessage | undefined;
  if (toolCalls.length > 0) {
    toolMessage = {
      role: "tool",
      content: toolCalls.map((call) => ({
        type: "tool-result",
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        output: notRunResult(ending),
        isError: true,
      })),
    };
    messages.push(toolMessage);
    yield { type: "message", message: toolMessage };
  }
  const text = endingLine(ending, {
    ...(finish.rawReason ? { raw: finish.rawReason } : {}),
    ...(finish.unfinishedToolCalls ? { unfinishedCalls: finish.unfinishedToolCalls } : {}),
    callsNotRun: toolCalls.length,
    ...said,
  });
  yield { type: "notice", level: "warning", text };
  yield { type: "turn-end", turn, message, ...(toolMessage ? { toolResults: toolMessage } : {}) };
}

/**
 * Calls cut before their input closed that the provider package dropped (the Responses API's): kept
 * as calls with an input that is not JSON, as the other wires' packages pass a cut call on, so they
 * are answered "not run" like those and a continued session shows the model the call it lost.
 */
export function unfinishedCalls(names: readonly string[]): ToolCallPart[] {
  return names.map((toolName, index) => ({
    type: "tool-call",
    // Unique in the session (a call id seen twice is refused by some wires), not secret: Math.random, as
    // session ids (session-id.ts), spares loading node:crypto.
    toolCallId: `unfinished_${Math.random().toString(36).slice(2, 10)}_${index}`,
    toolName,
    input: "(cut off before its input was complete)",
  }));
}

/**
 * The conversation as one request sends it, with a note from tacit at its end, for that request
 * only (the stored conversation is not changed). Gemini wants user and model turns to alternate, so
 * a note after the user's message joins it; after tool results it is a user message of its own, the
 * shape a continued session sends after a turn that ended with results.
 */
export function withNote(messages: readonly Message[], note: string): Message[] {
  const last = messages.at(-1);
  const text = { type: "text" as const, text: note };
  if (last?.role === "user") return [...messages.slice(0, -1), { ...last, content: [...last.content, text] }];
  return [...messages, { role: "user", content: [text] }];
}
