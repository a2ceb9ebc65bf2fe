import { spawn } from "node:child_process";

export interface ProcessRequest {
  /** Program and arguments, run without a shell. */
  argv: string[];
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Characters of output kept (the tail); earlier output is dropped as it streams. */
  keepChars: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export interface ProcessOutcome {
  /** stdout and stderr interleaved in arrival order, tail only. */
  output: string;
  /** Characters dropped from the start of the output. */
  droppedChars: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the program could not start at all (not found, cwd missing). */
  spawnError?: string;
}

/**
 * Runs a program in its own process group, so a timeout or an interrupt can
 * kill everything it started (SIGTERM, then SIGKILL), not just the shell.
 */
export function runProcess(request: ProcessRequest): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    let output = "";
    let droppedChars = 0;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const child = spawn(request.argv[0]!, request.argv.slice(1), {
      cwd: request.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      // No pager or editor can wait for input that never comes (stdin is /dev/null).
      env: {
        ...process.env,
        PAGER: "cat",
        GIT_PAGER: "cat",
        GIT_EDITOR: "true",
        TERM: process.env.TERM ?? "dumb",
      },
    });

    const append = (chunk: string) => {
      output += chunk;
      // Trim in bulk rather than per chunk, so a chatty command stays cheap.
      if (output.length > request.keepChars * 2) {
        const cut = output.length - request.keepChars;
        droppedChars += cut;
        output = output.slice(cut);
      }
    };
    // Decoding per stream keeps a multi-byte character split across chunks intact.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", append);
    child.stderr.on("data", append);

    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    const terminate = () => {
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), request.killGraceMs ?? 2000);
      killTimer.unref();
    };

    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, request.timeoutMs);
    const onAbort = () => {
      aborted = true;
      terminate();
    };
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener("abort", onAbort, { once: true });

    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(drainTimer);
      request.signal.removeEventListener("abort", onAbort);
      // Anything left in the group (background jobs) would outlive us holding the pipes.
      if (timedOut || aborted) killGroup("SIGKILL");
      else if (killTimer) clearTimeout(killTimer);
      child.stdout.destroy();
      child.stderr.destroy();
      if (output.length > request.keepChars) {
        droppedChars += output.length - request.keepChars;
        output = output.slice(output.length - request.keepChars);
      }
      const outcome: ProcessOutcome = { output, droppedChars, exitCode, exitSignal, timedOut, aborted };
      if (spawnError !== undefined) outcome.spawnError = spawnError;
      resolve(outcome);
    };

    child.on("error", (error) => finish(null, null, error.message));
    child.on("close", (code, signal) => finish(code, signal));
    // A background job can keep the pipes open after the shell exits; do not wait on it forever.
    child.on("exit", (code, signal) => {
      drainTimer = setTimeout(() => finish(code, signal), 500);
      drainTimer.unref();
    });
  });
}
