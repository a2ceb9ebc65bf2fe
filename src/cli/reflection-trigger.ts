import { userTurns } from "../agent/reflection/digest.ts";
import { REFLECTION_DEFAULTS } from "../config/reflection-trust.ts";
import { errorMessage } from "../core/errors.ts";
import type { Runtime } from "./bootstrap.ts";
import { startDetachedReflection } from "./detached-reflection.ts";
import { startBackgroundSync } from "./memory-sync-trigger.ts";

/** What starting a background reflection needs of a run. */
type ReflectionRuntime = Pick<Runtime, "store" | "reflections" | "settings" | "memory" | "home" | "cwd">;

const REFLECTING_NOTICE = "reflecting on this session in the background";

/**
 * Starts reflection on the session a run ends with and says so through `say` (stderr after -p,
 * the terminal after the TUI quits). A reflection that cannot start (an unwritable log, a
 * database error) is a warning: it never changes how the run itself ended.
 */
export function reflectAtExit(
  runtime: ReflectionRuntime,
  sessionId: string,
  options: { reflect: boolean },
  say: { notice(text: string): void; warning(text: string): void },
): void {
  try {
    if (reflectInBackground(runtime, sessionId, options)) say.notice(REFLECTING_NOTICE);
  } catch (error) {
    say.warning(`could not start reflection on this session: ${errorMessage(error)}`);
  }
  // The session's memory changes go to the user's sync remote; a reflection pushes its own when it ends.
  try {
    if (runtime.memory) startBackgroundSync(runtime, process.env);
  } catch (error) {
    say.warning(`could not start memory sync: ${errorMessage(error)}`);
  }
}

/**
 * After a session ends (-p finishing, the TUI quitting or starting a new session, or sitting
 * idle), starts `tacit reflect --session ID --background` as a detached process with its output
 * in the reflection log, and returns at once: exit never waits for it. Returns whether it started
 * one: not when --no-reflect, reflection.enabled false, TACIT_NO_REFLECT, memory off, or when the
 * part of the session not reflected on holds no answer from the model or too few user turns.
 */
export function reflectInBackground(
  runtime: ReflectionRuntime,
  sessionId: string,
  options: { reflect: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (!options.reflect) {
    // Remembered, so no later background run or --all-pending reads what this run added.
    runtime.reflections.declineSince(sessionId, performance.timeOrigin);
    return false;
  }
  if (env.TACIT_NO_REFLECT || runtime.settings.reflection?.enabled === false) return false;
  if (!runtime.memory) return false;
  if (!worthReflecting(runtime, sessionId)) return false;
  return startDetachedReflection(runtime, ["--session", sessionId], env);
}

/** New messages since the last reflection, with an answer from the model and enough user turns. */
function worthReflecting(runtime: ReflectionRuntime, sessionId: string): boolean {
  const fresh = runtime.reflections
    .unreflected(runtime.store, sessionId)
    .stored.map((stored) => stored.message);
  // A run that failed before the model said anything (no key, no network) has nothing to learn from.
  if (!fresh.some((message) => message.role === "assistant")) return false;
  return userTurns(fresh) >= (runtime.settings.reflection?.minUserTurns ?? REFLECTION_DEFAULTS.minUserTurns);
}
