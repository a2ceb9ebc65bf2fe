import type { AgentEvent, CompactTrigger } from "../../core/events.ts";
import { userMessage } from "../../core/messages.ts";
import type { ToolCallHooks } from "../tool-calls.ts";
import type { ConfiguredHook } from "./hook-config.ts";
import type { HookEngine } from "./hook-engine.ts";
import { type HookedTurnInput, hookedTurn } from "./hooked-turn.ts";
import {
  preCompact,
  type SessionEndReason,
  type SessionStartSource,
  sessionEnd,
  sessionStart,
} from "./session-hooks.ts";
import { toolCallHooks } from "./tool-call-hooks.ts";

/**
 * The settings' hooks for one session, as the agent session and the run's
 * start and end use them. It keeps what SessionStart hooks said until the
 * next request carries it.
 */
export class AgentHooks {
  readonly toolHooks: ToolCallHooks;
  private readonly engine: HookEngine;
  private pendingContext: string[] = [];
  /** The repository's hooks waiting for the user's trust. */
  private waiting: ConfiguredHook[];

  constructor(engine: HookEngine, waitingForTrust: ConfiguredHook[] = []) {
    this.engine = engine;
    this.toolHooks = toolCallHooks(engine);
    this.waiting = waitingForTrust;
  }

  /**
   * The user trusted the repository after start (the TUI's prompt, "once" or
   * "always"): its hooks run from now on in this session.
   */
  admitRepositoryHooks(): void {
    this.engine.add(this.waiting);
    this.waiting = [];
  }

  /** SessionStart (startup, resume, clear, compact); returns what to show the user. */
  async sessionStarted(source: SessionStartSource): Promise<AgentEvent[]> {
    const started = await sessionStart(this.engine, source);
    if (started.context) this.pendingContext.push(started.context);
    return started.events;
  }

  /** SessionEnd, waited for a bounded time; returns what to show the user. */
  sessionEnded(reason: SessionEndReason): Promise<AgentEvent[]> {
    return sessionEnd(this.engine, reason);
  }

  /** PreCompact, with Claude Code's trigger: "manual" for /compact, "auto" for the rest. */
  beforeCompaction(trigger: CompactTrigger, signal: AbortSignal): Promise<AgentEvent[]> {
    return preCompact(this.engine, trigger === "manual" ? "manual" : "auto", signal);
  }

  /** One user turn with UserPromptSubmit before it and Stop after it (hooked-turn.ts). */
  turn(input: Omit<HookedTurnInput, "engine" | "takePendingContext">): AsyncGenerator<AgentEvent> {
    return hookedTurn({
      ...input,
      engine: this.engine,
      takePendingContext: () => this.pendingContext.splice(0),
    });
  }
}

/** A user turn through the hooks when there are any, or straight to the loop when there are none. */
export function turnWithHooks(
  hooks: AgentHooks | undefined,
  input: Omit<HookedTurnInput, "engine" | "takePendingContext">,
): AsyncGenerator<AgentEvent> {
  return hooks ? hooks.turn(input) : input.run(userMessage(input.text), input.context);
}

/** The lines hook events carry for the user (failures, timeouts, system messages), for places that print lines. */
export function hookNoticeLines(events: readonly AgentEvent[] | undefined): string[] {
  return (events ?? []).flatMap((event) => (event.type === "notice" ? [event.text] : []));
}
