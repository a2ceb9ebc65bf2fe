import { spawn } from "node:child_process";
import { killProcessGroup, registerGroup } from "../../tools/run-process.ts";

/** Characters of a hook's stdout and stderr kept each; a chatty hook cannot fill memory. */
const KEEP_CHARS = 64 * 1024;
/** Time between SIGTERM and SIGKILL for a hook that ran out of time. */
const KILL_GRACE_MS = 1000;
/** How long a background job holding the pipes open is waited for after the shell exits. */
const DRAIN_MS = 500;

export interface HookCommandRequest {
  command: string;
  /** The event's JSON, written to the command's stdin. */
  input: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HookCommandOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the shell could not start at all (the project folder is gone). */
  spawnError?: string;
}

/**
 * Runs one hook as Claude Code does: `/bin/sh -c <command>` in the project
 * folder, the event's JSON on stdin. It runs in a process group of its own,
 * so a timeout kills everything it started, not only the shell.
 */
export function runHookCommand(request: HookCommandRequest): Promise<HookCommandOutcome> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn("/bin/sh", ["-c", request.command], {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    // Killed with tacit's other children if tacit exits or is signalled while the hook runs.
    if (child.pid !== undefined) registerGroup(child.pid);
    const keep = (text: string) => (text.length > KEEP_CHARS ? text.slice(0, KEEP_CHARS) : text);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout = keep(stdout + chunk);
    });
    child.stderr.on("data", (chunk: string) => {
      stderr = keep(stderr + chunk);
    });
    // A hook that does not read its stdin closes it early; writing on is not an error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(request.input);

    const killGroup = (signal: NodeJS.Signals) => killProcessGroup(child.pid, signal);
    const stop = () => {
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, request.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (request.signal?.aborted) onAbort();
    else request.signal?.addEventListener("abort", onAbort, { once: true });

    const finish = (exitCode: number | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      clearTimeout(killTimer);
      request.signal?.removeEventListener("abort", onAbort);
      // Whatever it left running (a background job, a child that ignored SIGTERM) goes with it.
      if (timedOut || aborted) killGroup("SIGKILL");
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode, stdout, stderr, timedOut, aborted, ...(spawnError ? { spawnError } : {}) });
    };
    child.on("error", (error) => finish(null, error.message));
    child.on("close", (code) => finish(code));
    child.on("exit", (code) => {
      drainTimer = setTimeout(() => finish(code), DRAIN_MS);
    });
  });
}
