import type { AgentEvent } from "../core/events.ts";

type RetryEvent = Extract<AgentEvent, { type: "retry" }>;

/**
 * How the TUI and `tacit acp` say a retry. The event numbers the attempt that failed (core/events.ts),
 * so the one starting is the next: every mode, `-p` included, shows that number. `dropped`: the failed
 * attempt had streamed text, which the loop keeps none of; the line says so, since what is on screen
 * cannot be taken back.
 */
export function retryLine(event: RetryEvent, dropped: boolean): string {
  const when = event.delayMs > 0 ? `in ${Math.ceil(event.delayMs / 1000)}s` : "now";
  const drop = dropped ? ". The partial answer above is dropped." : "";
  return `Retrying ${when} (attempt ${event.attempt + 1}): ${event.reason}${drop}`;
}
