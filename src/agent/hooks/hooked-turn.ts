import type { AgentEvent } from "../../core/events.ts";
import { type UserMessage, userMessage } from "../../core/messages.ts";
import { addUsage, emptyUsage } from "../../core/usage.ts";
import type { TurnContextSource } from "../turn-context.ts";
import type { HookEngine } from "./hook-engine.ts";
import { stopHook, userPromptSubmit } from "./session-hooks.ts";

/**
 * How many times Stop hooks may send the agent back to work in one user turn.
 * A hook is told (`stop_hook_active`) when it already did, and should let go;
 * this bound holds when one does not.
 */
const MAX_STOP_CONTINUATIONS = 3;

export interface HookedTurnInput {
  engine: HookEngine;
  text: string;
  signal: AbortSignal;
  /** The turn's own context sources (recall, a survey): they come with the user's words, not a hook's feedback. */
  context: readonly TurnContextSource[];
  /** Context the session's hooks left for the next request (SessionStart's), taken once. */
  takePendingContext(): string[];
  /** Runs one pass of the loop with this message and these context sources, yielding its events. */
  run(message: UserMessage, context: readonly TurnContextSource[]): AsyncGenerator<AgentEvent>;
}

/** Context from hooks as a turn context source: it rides in the user's message, labelled "hook". */
function hookContextSource(texts: string[]): TurnContextSource {
  return {
    name: "hook",
    gather: async () => (texts.length > 0 ? { text: texts.join("\n\n") } : {}),
  };
}

/**
 * One user turn with the session's hooks around it: UserPromptSubmit first (it
 * may refuse the prompt, which then reaches neither the model nor the
 * transcript, or add context the request carries, with SessionStart's), then
 * the loop, then Stop hooks, which may send the agent on with their reason as
 * its next message, a bounded number of times. The loop's final "done" is held
 * back until the Stop hooks let the agent stop, and reports the whole turn.
 */
export async function* hookedTurn(input: HookedTurnInput): AsyncGenerator<AgentEvent> {
  const { engine, signal } = input;
  const submitted = await userPromptSubmit(engine, input.text, signal);
  yield* submitted.events;
  if (submitted.blocked !== undefined) {
    yield {
      type: "error",
      message: `A UserPromptSubmit hook blocked the prompt: ${submitted.blocked}`,
      fatal: true,
    };
    yield { type: "done", reason: "error", usage: emptyUsage(), costUsd: 0, turns: 0 };
    return;
  }
  const context = [...input.takePendingContext(), ...(submitted.context ? [submitted.context] : [])];
  let message = userMessage(input.text);
  let sources: readonly TurnContextSource[] = [...input.context, hookContextSource(context)];
  let usage = emptyUsage();
  let costUsd = 0;
  let turns = 0;
  for (let continuations = 0; ; continuations++) {
    let done: Extract<AgentEvent, { type: "done" }> | undefined;
    for await (const event of input.run(message, sources)) {
      if (event.type === "done") done = event;
      else yield event;
    }
    if (!done) return;
    usage = addUsage(usage, done.usage);
    costUsd += done.costUsd;
    turns += done.turns;
    const finished = { ...done, usage, costUsd, turns };
    if (done.reason !== "stop" || signal.aborted) {
      yield finished;
      return;
    }
    const stop = await stopHook(engine, continuations > 0, signal);
    yield* stop.events;
    if (stop.continueWith === undefined) {
      yield finished;
      return;
    }
    if (continuations >= MAX_STOP_CONTINUATIONS) {
      yield {
        type: "notice",
        level: "warning",
        text: `A Stop hook asked the agent to go on ${continuations + 1} times in one turn; it stops here.`,
      };
      yield finished;
      return;
    }
    yield {
      type: "notice",
      level: "info",
      text: `A Stop hook asked the agent to go on: ${stop.continueWith}`,
    };
    message = {
      role: "user",
      content: [{ type: "text", text: `Stop hook feedback:\n${stop.continueWith}`, turnContext: "hook" }],
    };
    sources = [];
  }
}
