import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/** Where background reflections write what they did (and why one failed), appended run after run. */
function reflectionLogPath(home: string): string {
  return path.join(home, "logs", "reflection.log");
}

/**
 * Starts `tacit reflect <args> --background` as a detached process with its
 * output in the reflection log, and returns at once: nothing waits for it.
 * Returns false when this process cannot name its own entry script.
 */
export function startDetachedReflection(
  where: { home: string; cwd: string },
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  const logFile = reflectionLogPath(where.home);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, "a");
  try {
    const child = spawn(process.execPath, [...process.execArgv, entry, "reflect", ...args, "--background"], {
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
