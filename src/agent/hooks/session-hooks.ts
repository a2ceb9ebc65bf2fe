import type { AgentEvent } from "../../core/events.ts";
import type { HookEngine } from "./hook-engine.ts";
import { hookReports } from "./tool-call-hooks.ts";

/** Seconds tacit waits for SessionEnd hooks on exit, whatever their own timeout: leaving must stay quick. */
const SESSION_END_WAIT_SECONDS = 10;

/** Where the session came from, in Claude Code's words (SessionStart's `source`, also its matcher). */
export type SessionStartSource = "startup" | "resume" | "clear" | "compact";
/** Why it ended (SessionEnd's `reason`). */
export type SessionEndReason = "clear" | "prompt_input_exit" | "other";

function joined(parts: string[]): string | undefined {
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/**
 * UserPromptSubmit: exit 2 or `decision: "block"` (or `continue: false`)
 * refuses the prompt before the model sees it, the reason shown to the user;
 * stdout or `additionalContext` becomes context the request carries.
 */
export async function userPromptSubmit(
  engine: HookEngine,
  prompt: string,
  signal: AbortSignal,
): Promise<{ blocked?: string; context?: string; events: AgentEvent[] }> {
  if (!engine.has("UserPromptSubmit")) return { events: [] };
  const outcome = await engine.run("UserPromptSubmit", undefined, { prompt }, { signal });
  const events = hookReports(outcome);
  const blocked = joined([...outcome.blocks, ...(outcome.stop !== undefined ? [outcome.stop] : [])]);
  if (blocked) return { blocked, events };
  const context = joined(outcome.additionalContext);
  return { events, ...(context ? { context } : {}) };
}

/**
 * Stop, when the agent is done answering: exit 2 or `decision: "block"` makes
 * it go on, the reason as its next instruction. `stop_hook_active` tells the
 * hook it already did so once in this turn (a hook must let it stop then);
 * `continue: false` always lets it stop.
 */
export async function stopHook(
  engine: HookEngine,
  stopHookActive: boolean,
  signal: AbortSignal,
): Promise<{ continueWith?: string; events: AgentEvent[] }> {
  if (!engine.has("Stop")) return { events: [] };
  const outcome = await engine.run("Stop", undefined, { stop_hook_active: stopHookActive }, { signal });
  const events = hookReports(outcome);
  const reason = joined(outcome.blocks);
  return outcome.stop === undefined && reason ? { continueWith: reason, events } : { events };
}

/** PreCompact, before a compaction: it cannot stop it; what it prints is for the user's log. */
export async function preCompact(
  engine: HookEngine,
  trigger: "manual" | "auto",
  signal: AbortSignal,
): Promise<AgentEvent[]> {
  if (!engine.has("PreCompact")) return [];
  const outcome = await engine.run("PreCompact", trigger, { trigger, custom_instructions: "" }, { signal });
  return hookReports(outcome);
}

/** SessionStart: stdout or `additionalContext` is context the session's next request carries. */
export async function sessionStart(
  engine: HookEngine,
  source: SessionStartSource,
): Promise<{ context?: string; events: AgentEvent[] }> {
  if (!engine.has("SessionStart")) return { events: [] };
  const outcome = await engine.run("SessionStart", source, { source });
  const context = joined(outcome.additionalContext);
  return { events: hookReports(outcome), ...(context ? { context } : {}) };
}

/** SessionEnd, on the way out: waited for, but never longer than SESSION_END_WAIT_SECONDS. */
export async function sessionEnd(engine: HookEngine, reason: SessionEndReason): Promise<AgentEvent[]> {
  if (!engine.has("SessionEnd")) return [];
  const outcome = await engine.run(
    "SessionEnd",
    undefined,
    { reason },
    { maxTimeoutSeconds: SESSION_END_WAIT_SECONDS },
  );
  return hookReports(outcome);
}
