import type { Message } from "../core/messages.ts";
import type { SessionStore } from "../session/store.ts";

/**
 * Whether a turn compacts the conversation before its request, and the line that says why. Two
 * reasons, both against the window of the model the turn runs on:
 * - the conversation is nearly full: its size (the last request's real count, or for a resumed
 *   session the estimate) is at least `threshold` of the window;
 * - the last answer was cut where the conversation filled the window (Anthropic's
 *   model_context_window_exceeded) and the model is still the one whose window it filled: the next
 *   request, with that answer in it, would be refused, though the figures may not show it (a resumed
 *   session's estimate cannot tell, and a provider may allow less than the catalog says). Another
 *   model is judged by size alone: one with a larger window takes the conversation whole.
 */
export function beforeTurnCompaction(input: {
  messages: readonly Message[];
  /** The conversation's size in tokens, as the session knows it. */
  contextTokens: number;
  /** The current model's window, and the share of it that triggers compaction (0: never). */
  window: number;
  threshold: number;
  /** The current model ("provider/model-id"). */
  model: string;
  /** The model that wrote the last answer, as the session store recorded it (undefined: unknown). */
  modelOfLastAnswer: () => string | undefined;
}): string | undefined {
  const { messages, contextTokens, window, threshold } = input;
  if (threshold <= 0 || messages.length === 0) return undefined;
  if (filledContextWindow(messages)) {
    const filler = input.modelOfLastAnswer();
    // Unknown (a conversation not read from the store): taken as this model's, as compacting is the safe side.
    if (filler === undefined || filler === input.model) return "The last answer filled the context window";
  }
  if (contextTokens < window * threshold) return undefined;
  return `The context is ${Math.round((contextTokens / window) * 100)}% full`;
}

/** Whether the conversation's last answer was cut where it filled the model's context window. */
function filledContextWindow(messages: readonly Message[]): boolean {
  const lastAnswer = messages.findLast((message) => message.role === "assistant");
  return lastAnswer?.role === "assistant" && lastAnswer.ending === "context-window";
}

/** The model the store recorded for the session's last answer. */
export function modelOfLastAnswer(
  store: Pick<SessionStore, "loadStoredMessages">,
  sessionId: string,
): string | undefined {
  return store.loadStoredMessages(sessionId).findLast((stored) => stored.message.role === "assistant")?.model;
}
