import { errorMessage } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import type { Message, ToolMessage } from "../core/messages.ts";
import { estimateMessageTokens } from "./compaction.ts";

/**
 * The fallback when compaction is not possible (the summary request failed):
 * old tool results — the bulk of a long turn — are cut, oldest first, each
 * replaced by its first characters and a note saying what was cut, until the
 * conversation fits. The newest tool results are never cut: the model is
 * about to act on them. Only the conversation in memory changes; the stored
 * transcript keeps every output whole.
 */

/** Tool outputs shorter than this are left alone: cutting them frees little and loses a lot. */
const SMALL_OUTPUT_CHARACTERS = 1_000;
/** What is kept of a cut output, so the model still sees what it was. */
const KEPT_CHARACTERS = 200;

/**
 * The fallback when a summary cannot be had (before a turn or within it): `messages` cut in place to
 * about `targetTokens`, with a line saying so; `failure`, the summary's error just now, is said first.
 * True when anything was cut.
 */
export function* cutToFit(
  messages: Message[],
  targetTokens: number,
  fixedTokens: number,
  failure: unknown,
): Generator<AgentEvent, boolean> {
  if (failure !== undefined) {
    yield {
      type: "notice",
      level: "warning",
      text: `Could not compact the conversation (${errorMessage(failure)}): cutting old tool results instead.`,
    };
  }
  const trimmed = trimOldToolResults(messages, targetTokens, fixedTokens);
  if (trimmed.cutResults === 0) return false;
  messages.splice(0, messages.length, ...trimmed.messages);
  yield {
    type: "notice",
    level: "info",
    text: `Cut ${trimmed.cutResults} old tool results (${trimmed.cutCharacters} characters) to fit the context window; the newest are whole.`,
  };
  return true;
}

export interface TrimResult {
  messages: Message[];
  /** How many tool results were cut, and how many characters that freed. */
  cutResults: number;
  cutCharacters: number;
}

/**
 * Cuts old tool results until the messages are estimated at most
 * targetTokens (besides fixedTokens for the system prompt and tools), or
 * nothing more can be cut. Returns new message objects; the input is not changed.
 */
export function trimOldToolResults(
  messages: readonly Message[],
  targetTokens: number,
  fixedTokens = 0,
): TrimResult {
  const result: Message[] = [...messages];
  let tokens = fixedTokens + estimateMessageTokens(result);
  let cutResults = 0;
  let cutCharacters = 0;
  let newestTool = -1;
  for (let index = result.length - 1; index >= 0; index--) {
    if (result[index]!.role === "tool") {
      newestTool = index;
      break;
    }
  }
  for (let index = 0; index < newestTool && tokens > targetTokens; index++) {
    const message = result[index]!;
    if (message.role !== "tool") continue;
    const content = message.content.map((part) => {
      if (tokens <= targetTokens || part.output.length <= SMALL_OUTPUT_CHARACTERS) return part;
      const cut = part.output.length - KEPT_CHARACTERS;
      cutResults++;
      cutCharacters += cut;
      tokens -= Math.floor(cut / 4);
      const note = `[tacit: ${cut} more characters of this ${part.toolName} result were cut to keep the conversation within the model's context window; run the tool again if you need them]`;
      return { ...part, output: `${part.output.slice(0, KEPT_CHARACTERS)}\n… ${note}` };
    });
    result[index] = { ...message, content } satisfies ToolMessage;
  }
  return { messages: result, cutResults, cutCharacters };
}
