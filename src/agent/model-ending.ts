import type { ModelEnding } from "../core/messages.ts";

/**
 * The one line each mode shows when the model ended its answer short of a normal stop (the TUI as a
 * notice, `-p` on stderr, a resumed session again). `raw` is the wire's own word for it, named so
 * the user can search for it; `unfinishedCalls` the tools whose call was cut before its input closed.
 * `compactsNext`: said live, by a session whose next turn with this model compacts first after an
 * answer that filled the window; a subagent has no next turn, and a resumed or shown session may have
 * compacted since, so theirs leave that out. `retried`: a call the provider could not read was asked
 * for again first (not when TACIT_MAX_RETRIES is 0).
 */
export function endingLine(
  ending: ModelEnding,
  details: {
    raw?: string;
    unfinishedCalls?: readonly string[];
    callsNotRun?: number;
    compactsNext?: boolean;
    retried?: boolean;
  } = {},
): string {
  const said = details.raw ? ` (${details.raw})` : "";
  const notRun = notRunText(details.callsNotRun ?? 0);
  const cut = [...new Set(details.unfinishedCalls ?? [])];
  const inCall = cut.length > 0 ? ` while it was writing a ${cut.join(", ")} call` : "";
  switch (ending) {
    case "max-tokens":
      return `The answer was cut off at the model's output-token limit${said}${inCall}, so it is incomplete${notRun}.`;
    case "context-window":
      // Not the output limit: raising it would not help, and the next request would not fit.
      return `The answer was cut off where the conversation filled the model's context window${said}${inCall}, so it is incomplete${notRun}.${details.compactsNext ? " The next turn with this model compacts the conversation first." : ""}`;
    case "refusal":
      return `The model refused to answer${said}${notRun}.`;
    case "content-filter":
      return `The provider's content filter stopped the answer${said}${notRun}.`;
    case "malformed-call":
      return `The model wrote a tool call the provider could not read${said}${details.retried ? ", on the retry too" : ""}, so nothing of the answer was run.`;
  }
}

function notRunText(count: number): string {
  if (count === 0) return "";
  return count === 1 ? "; its tool call was not run" : `; its ${count} tool calls were not run`;
}

/**
 * What the model is told, as the result of each call in an answer that ended short: the call was
 * not run (its input may be cut mid-way), so a continued session knows it must make it again, smaller.
 */
export function notRunResult(ending: ModelEnding): string {
  switch (ending) {
    case "max-tokens":
      return "Not run: your answer was cut off at the output-token limit, so this call's input may be incomplete. Make the call again, with a smaller input if it was large (split a long file into several writes).";
    case "context-window":
      return "Not run: your answer was cut off where the conversation filled the context window, so this call's input may be incomplete. Make the call again once the conversation is compacted.";
    default:
      return "Not run: the answer was stopped (refused, filtered, or a call the provider could not read) before this call could run.";
  }
}

/** The retry's reason, as each mode shows a retry (`tacit: …; retrying now`). */
export const MALFORMED_CALL_RETRY = "the model wrote a tool call the provider could not read";

/**
 * Sent with the one retry after a call the provider could not read, for that request only: the
 * failed answer never reaches the conversation (the provider returns nothing usable of it), so this
 * is how the model learns why it is asked again. `said` is the provider's own message about it.
 */
export function malformedCallNote(raw: string | undefined, said: string | undefined): string {
  const word = raw ? ` (${raw})` : "";
  const detail = said ? ` It said: ${said.length > 1_000 ? `${said.slice(0, 1_000)}…` : said}` : "";
  return `[tacit: your previous answer was a tool call the provider could not parse${word}, so nothing was run.${detail} Make the call again with arguments that are one valid JSON object matching the tool's schema; if its input was large, split the work into smaller calls.]`;
}
