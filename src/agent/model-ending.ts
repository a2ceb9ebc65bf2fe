import type { ModelEnding } from "../core/messages.ts";

/**
 * The one line each mode shows when the model ended its answer short of a normal stop (the TUI as a
 * notice, `-p` on stderr, a resumed session again). `raw` is the wire's own word for it, named so
 * the user can search for it; `unfinishedCalls` the tools whose call was cut before its input closed.
 */
export function endingLine(
  ending: ModelEnding,
  details: { raw?: string; unfinishedCalls?: readonly string[]; callsNotRun?: number } = {},
): string {
  const said = details.raw ? ` (${details.raw})` : "";
  switch (ending) {
    case "max-tokens": {
      const cut = [...new Set(details.unfinishedCalls ?? [])];
      const inCall = cut.length > 0 ? ` while it was writing a ${cut.join(", ")} call` : "";
      const notRun = notRunText(details.callsNotRun ?? 0);
      return `The answer was cut off at the model's output-token limit${said}${inCall}, so it is incomplete${notRun}.`;
    }
    case "refusal":
      return `The model refused to answer${said}${notRunText(details.callsNotRun ?? 0)}.`;
    case "content-filter":
      return `The provider's content filter stopped the answer${said}${notRunText(details.callsNotRun ?? 0)}.`;
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
  return ending === "max-tokens"
    ? "Not run: your answer was cut off at the output-token limit, so this call's input may be incomplete. Make the call again, with a smaller input if it was large (split a long file into several writes)."
    : "Not run: the answer was stopped (refused or filtered) before this call could run.";
}
