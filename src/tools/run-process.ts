import { spawn } from "node:child_process";
import { constants } from "node:os";

/**
 * Process groups of commands still running (or that left background jobs
 * behind). Each command runs detached, in its own group, so it can be killed
 * as a whole — which also means a SIGHUP to tacit (the terminal closing) no
 * longer reaches it. So tacit signals these groups itself when it goes.
 */
const liveGroups = new Set<number>();
/** How long children get to exit after SIGTERM before tacit exits and SIGKILLs the rest. */
const SHUTDOWN_GRACE_MS = 1000;
const SHUTDOWN_POLL_MS = 25;
let exitHandlersInstalled = false;
let shuttingDown = false;

/** Sends signal to every live process group started by runProcess; returns how many were signalled. */
export function killAllChildProcesses(signal: NodeJS.Signals): number {
  let signalled = 0;
  for (const group of liveGroups) {
    try {
      process.kill(-group, signal);
      signalled++;
    } catch {
      // Gone already: nothing left to stop.
      liveGroups.delete(group);
    }
  }
  return signalled;
}

/** Signals a whole process group; one that is already gone is not an error. */
export function killProcessGroup(group: number | undefined, signal: NodeJS.Signals): void {
  if (group === undefined) return;
  try {
    process.kill(-group, signal);
  } catch {
    // The group is already gone.
  }
}

/** Whether any process of the group is still there. */
export function groupIsAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Adds a process group to those killed when tacit exits or is signalled: runProcess does it for
 * every command; other spawners of process groups (hooks) call it too, so nothing outlives tacit.
 */
export function registerGroup(group: number): void {
  // Groups that emptied since they were added would only grow the set (and their ids get reused).
  for (const known of liveGroups) if (!groupIsAlive(known)) liveGroups.delete(known);
  liveGroups.add(group);
  installExitHandlers();
}

/** Listeners for signal that belong to someone else than us and signal-exit (which Ink uses). */
function otherListenerCount(signal: NodeJS.Signals): number {
  const signalExit = (process as { __signal_exit_emitter__?: { count?: number } }).__signal_exit_emitter__;
  const signalExitCount = typeof signalExit?.count === "number" ? signalExit.count : 0;
  return process.listenerCount(signal) - 1 - signalExitCount;
}

function onTerminatingSignal(signal: NodeJS.Signals): void {
  if (shuttingDown) process.exit(128 + constants.signals[signal]);
  killAllChildProcesses("SIGTERM");
  // Someone else (headless mode's Ctrl-C/SIGTERM handler) owns this signal and
  // ends tacit its own way; the children have been told, the exit handler kills the rest.
  if (otherListenerCount(signal) > 0) return;
  // Otherwise adding this listener took away the default (dying), so give it back:
  // let the children stop, then exit as a signal death would report it.
  shuttingDown = true;
  const deadline = Date.now() + SHUTDOWN_GRACE_MS;
  const poll = () => {
    for (const group of liveGroups) if (!groupIsAlive(group)) liveGroups.delete(group);
    if (liveGroups.size === 0 || Date.now() >= deadline) process.exit(128 + constants.signals[signal]);
    else setTimeout(poll, SHUTDOWN_POLL_MS);
  };
  poll();
}

/** Installed once, on the first spawn, so a tacit that never runs a command changes nothing. */
function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  process.on("exit", () => killAllChildProcesses("SIGKILL"));
  // SIGINT too: in the TUI a Ctrl-C key is input, so a SIGINT comes from outside (kill -INT) and must end the children as well.
  for (const signal of ["SIGHUP", "SIGTERM", "SIGINT"] as const) process.on(signal, onTerminatingSignal);
}

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
  /**
   * Variables left out of the environment the program is started with. Not
   * removed later by a wrapper: a sandbox program that got them would keep
   * them in its own /proc/<pid>/environ, readable from inside.
   */
  withoutVariables?: string[];
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

function commandEnvironment(withoutVariables: string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // No pager or editor can wait for input that never comes (stdin is /dev/null).
    PAGER: "cat",
    GIT_PAGER: "cat",
    GIT_EDITOR: "true",
    TERM: process.env.TERM ?? "dumb",
  };
  for (const variable of withoutVariables) delete env[variable];
  return env;
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

    // Before the spawn, not after: a signal that arrives while this process is descheduled right
    // after the fork (a loaded machine) must already find tacit's handler, not Node's default death.
    // Signal handlers run on the event loop, so the group is registered by the time one runs.
    installExitHandlers();
    const child = spawn(request.argv[0]!, request.argv.slice(1), {
      cwd: request.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: commandEnvironment(request.withoutVariables ?? []),
    });

    if (child.pid !== undefined) registerGroup(child.pid);

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

    const killGroup = (signal: NodeJS.Signals) => killProcessGroup(child.pid, signal);
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
      // Background jobs keep the group alive; it stays registered so they die with tacit.
      if (child.pid !== undefined && !groupIsAlive(child.pid)) liveGroups.delete(child.pid);
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
