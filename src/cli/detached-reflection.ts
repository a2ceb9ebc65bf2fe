import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { ensureOwnerOnlyFile } from "../config/private-store.ts";

/**
 * Starts `tacit reflect <args> --background` as a detached process with its
 * output in the reflection log (~/.tacit/logs/reflection.log), and returns at
 * once: nothing waits for it. Returns false when this process cannot name its own entry script.
 */
export function startDetachedReflection(
  where: { home: string; cwd: string },
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): boolean {
  return startDetachedTacit(where, ["reflect", ...args, "--background"], "reflection.log", env);
}

/**
 * Starts `tacit <args>` as a detached process, its output appended to
 * `~/.tacit/logs/<logName>` run after run (a background reflection, a
 * background memory sync), and returns at once: exit never waits for it.
 */
export function startDetachedTacit(
  where: { home: string; cwd: string },
  args: readonly string[],
  logName: string,
  env: NodeJS.ProcessEnv,
): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const logFile = path.join(where.home, "logs", logName);
  mkdirSync(path.dirname(logFile), { recursive: true });
  // A failure's message may quote a remote's URL or a session's words: the log is the user's alone.
  ensureOwnerOnlyFile(logFile, { create: true });
  const log = openSync(logFile, "a");
  try {
    const child = spawn(process.execPath, [...process.execArgv, entry, ...args], {
      cwd: where.cwd,
      env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    // A spawn that fails (no such executable) reports asynchronously; it must not crash the exit.
    child.on("error", () => undefined);
    child.unref();
  } finally {
    closeSync(log);
  }
  return true;
}
