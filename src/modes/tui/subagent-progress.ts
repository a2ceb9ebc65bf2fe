import type { AgentEvent } from "../../core/events.ts";

/** What the TUI keeps of a running subagent: enough for one line. */
export interface SubagentProgress {
  agent: string;
  /** The tool it is running now, if any. */
  currentTool?: string;
  /** Tool calls it has started. */
  tools: number;
  /** Tokens its requests used (input and output). */
  tokens: number;
}

/** The progress after one of the subagent's events. */
export function advanceSubagent(
  progress: SubagentProgress | undefined,
  event: Extract<AgentEvent, { type: "subagent" }>,
): SubagentProgress {
  const current = progress ?? { agent: event.agent, tools: 0, tokens: 0 };
  const inner = event.event;
  switch (inner.type) {
    case "tool-start":
      return { ...current, currentTool: inner.toolName, tools: current.tools + 1 };
    case "tool-end":
    case "tool-denied": {
      const { currentTool: _finished, ...rest } = current;
      return rest;
    }
    case "usage":
      return { ...current, tokens: current.tokens + inner.usage.inputTokens + inner.usage.outputTokens };
    default:
      return current;
  }
}

/** "explore · Grep · 3 tools · 12.4k tokens" while it runs; without the current tool once done. */
export function subagentSummary(progress: SubagentProgress, running: boolean): string {
  const parts = [progress.agent];
  if (running && progress.currentTool) parts.push(progress.currentTool);
  parts.push(`${progress.tools} tool${progress.tools === 1 ? "" : "s"}`);
  parts.push(`${formatTokens(progress.tokens)} tokens`);
  return parts.join(" · ");
}

function formatTokens(tokens: number): string {
  return tokens < 1000 ? `${tokens}` : `${(tokens / 1000).toFixed(1)}k`;
}
