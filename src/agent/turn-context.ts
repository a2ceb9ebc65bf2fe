import { AbortedError } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import type { ImagePart, TurnContextName, UserMessage } from "../core/messages.ts";

/**
 * Per-turn context: text tacit adds to the user's message for the model, once
 * per user turn, before its first request. Recall is one source; a hint after
 * compaction or from reflection is another, added to the loop's list the same
 * way. The text rides with the user's message, after the cached prefix, so
 * the system prompt and earlier turns stay byte-identical and the provider's
 * prompt cache holds.
 */
export interface TurnContextSource {
  /** Labels the parts it adds (TextPart.turnContext), so they are told apart from the user's words. */
  readonly name: TurnContextName;
  gather(prompt: UserMessage, signal: AbortSignal): Promise<GatheredContext>;
}

interface GatheredContext {
  /** The text to add to the user's message; nothing is added when absent or empty. */
  text?: string;
  /** Images to add to the user's message after the text (@shot.png, --image). */
  images?: ImagePart[];
  /** What the user should see about it (what was recalled and why, warnings). */
  events?: AgentEvent[];
}

export type TurnContextOutcome =
  | { ok: true; message: UserMessage }
  /** A source failed or the run was aborted: the user's message goes on as typed, without the context. */
  | { ok: false; message: UserMessage; error: unknown };

/**
 * Asks each source in turn and returns the user's message with their text
 * appended as labelled parts: the message the model is sent and the session
 * stores, so a resumed session sends the model exactly the history it answered.
 */
export async function* addTurnContext(
  prompt: UserMessage,
  sources: readonly TurnContextSource[],
  signal: AbortSignal,
): AsyncGenerator<AgentEvent, TurnContextOutcome> {
  const content = [...prompt.content];
  for (const source of sources) {
    let gathered: GatheredContext;
    try {
      if (signal.aborted) throw new AbortedError();
      gathered = await source.gather(prompt, signal);
    } catch (error) {
      return { ok: false, message: prompt, error };
    }
    yield* gathered.events ?? [];
    if (gathered.text) content.push({ type: "text", text: gathered.text, turnContext: source.name });
    content.push(...(gathered.images ?? []));
  }
  return { ok: true, message: { role: "user", content } };
}
