// How each wire says that an answer ended short (ScriptedReply.ending): the word it sends, per
// wire, and which endings a wire has at all. Every adapter reads its word here, so one table holds
// what the fake server claims about the real APIs.
import type { ScriptedEnding, ScriptedReply, Wire } from "./types.ts";

const WORDS: Record<Wire, Partial<Record<ScriptedEnding, string>>> = {
  // stop_reason in message_delta; Anthropic has no content filter of its own.
  anthropic: {
    "max-tokens": "max_tokens",
    "context-window": "model_context_window_exceeded",
    refusal: "refusal",
  },
  // incomplete_details.reason of response.incomplete; a refusal is a refusal part in a completed response.
  "openai-responses": {
    "max-tokens": "max_output_tokens",
    refusal: "refusal",
    "content-filter": "content_filter",
  },
  // finish_reason of the last chunk; a refusal is delta.refusal with finish_reason stop.
  "openai-chat": { "max-tokens": "length", refusal: "stop", "content-filter": "content_filter" },
  // finishReason of the last candidate; Gemini has no refusal, only its safety and recitation stops.
  google: {
    "max-tokens": "MAX_TOKENS",
    "content-filter": "SAFETY",
    "malformed-call": "MALFORMED_FUNCTION_CALL",
  },
};

/** The wire's word for the reply's ending, or undefined for a reply that ends normally. */
export function endingWord(wire: Wire, reply: ScriptedReply): string | undefined {
  if (!reply.ending) return undefined;
  const word = WORDS[wire][reply.ending];
  if (word === undefined) throw new Error(`the ${wire} wire has no "${reply.ending}" ending`);
  return reply.rawEnding ?? word;
}
