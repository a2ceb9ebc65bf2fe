import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { userTurns } from "../agent/reflection/digest.ts";
import type { Runtime } from "./bootstrap.ts";

/** What starting a background reflection needs of a run. */
type ReflectionRuntime = Pick<Runtime, "store" | "reflections" | "settings" | "memory" | "home" | "cwd">;

/** Where background reflections write what they did (and why one failed), appended run after run. */
function reflectionLogPath(home: string): string {
  return path.join(home, "logs", "reflection.log");
}

export const REFLECTING_NOTICE = "reflecting on this session in the background";

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
  if (!options.reflect || env.TACIT_NO_REFLECT || runtime.settings.reflection?.enabled === false)
    return false;
  if (!runtime.memory) return false;
  if (!worthReflecting(runtime, sessionId)) return false;
  const entry = process.argv[1];
  if (!entry) return false;
  const logFile = reflectionLogPath(runtime.home);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, "a");
  try {
    const child = spawn(
      process.execPath,
      [...process.execArgv, entry, "reflect", "--session", sessionId, "--background"],
      { cwd: runtime.cwd, env, detached: true, stdio: ["ignore", log, log] },
    );
    // A spawn that fails (no such executable) reports asynchronously; it must not crash the exit.
    child.on("error", () => undefined);
    child.unref();
  } finally {
    closeSync(log);
  }
  return true;
}

/** New messages since the last reflection, with an answer from the model and enough user turns. */
function worthReflecting(runtime: ReflectionRuntime, sessionId: string): boolean {
  const after = runtime.reflections.reflectedUpTo(sessionId);
  const fresh = runtime.store
    .loadStoredMessages(sessionId)
    .filter((stored) => stored.seq > after)
    .map((stored) => stored.message);
  // A run that failed before the model said anything (no key, no network) has nothing to learn from.
  if (!fresh.some((message) => message.role === "assistant")) return false;
  return userTurns(fresh) >= (runtime.settings.reflection?.minUserTurns ?? 1);
}
