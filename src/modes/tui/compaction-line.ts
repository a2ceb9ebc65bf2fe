import type { AgentEvent } from "../../core/events.ts";
import { formatTokens } from "./token-count.ts";

type CompactEvent = Extract<AgentEvent, { type: "compact" }>;

const WHEN: Record<CompactEvent["trigger"], string> = {
  "before-turn": " before this turn",
  "mid-turn": " in the middle of the turn",
  overflow: " after the provider refused a request as too long",
  manual: "",
};

/**
 * The one line the conversation shows for a compaction, automatic or
 * /compact: when, the context's size before and after, and what was saved
 * to memory first.
 */
export function compactionLine(event: CompactEvent): string {
  const freed = Math.max(0, event.tokensBefore - event.tokensAfter);
  const saved =
    event.memoriesSaved > 0
      ? `; ${event.memoriesSaved} ${event.memoriesSaved === 1 ? "memory" : "memories"} saved first`
      : "";
  return `⇣ Compacted the conversation${WHEN[event.trigger]}: context ~${formatTokens(event.tokensBefore)} → ~${formatTokens(event.tokensAfter)} tokens (~${formatTokens(freed)} freed)${saved}`;
}
