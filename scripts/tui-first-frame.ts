// One start of the built TUI (`tacit`, no -p) inside tmux, timed to its first frame: the time from
// process start until Ink wrote the frame with the prompt, by tacit's own clock (TACIT_TRACE_STARTUP),
// and until the prompt showed on the tmux screen. Each start gets a fresh TACIT_HOME and git project.
// Used by scripts/bench-tui-startup.ts and scripts/bench-startup-ab.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// What the TUI draws once its editor is ready: the prompt marker and the placeholder beside it.
const READY = /❯\s+Ask anything/;
const DEADLINE_MS = 20_000;

export const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;

export interface FirstFrame {
  /** From the tmux launch until capture-pane shows the prompt (includes tmux and polling overhead). */
  observedMs: number;
  /** From process start until Ink wrote the first frame, by tacit's own clock (TACIT_TRACE_STARTUP). */
  firstFrameMs: number;
}

export interface TuiStart {
  /** bin/tacit.js of the checkout to start. */
  cli: string;
  /** The tmux server (-L) the starts share, so its own start-up is not measured. */
  socket: string;
  /** Standing for the system's temp folder: tacit's private folder (and its code caches) goes in it. */
  temp: string;
  /**
   * Quit with /exit once the prompt shows, as a user would, and wait for the process to end: a run that
   * ends well leaves its code cache (src/cli/print-bundle-loader.ts). Otherwise the session is killed.
   */
  quit?: boolean;
}

function tmux(socket: string, ...args: string[]): string {
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
}

function readTrace(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Starts a tmux server that the starts share; returns what stops it. */
export function startTmuxServer(socket: string): () => void {
  tmux(socket, "new-session", "-d", "-s", "keep", "sleep 600");
  return () => spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
}

export async function tuiFirstFrame(start: TuiStart, index: number): Promise<FirstFrame> {
  const base = mkdtempSync(path.join(tmpdir(), "tacit-bench-tui-"));
  const project = path.join(base, "project");
  const userHome = path.join(base, "user-home");
  mkdirSync(project);
  mkdirSync(userHome);
  execFileSync("git", ["init", "-q"], { cwd: project });
  const environment = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: userHome,
    TERM: "xterm-256color",
    TMPDIR: start.temp,
    TACIT_HOME: path.join(base, "tacit-home"),
    TACIT_NO_REFLECT: "1",
    // Never contacted: the benchmark stops at the first paint, before any request.
    ANTHROPIC_API_KEY: "bench",
    ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
    TACIT_TRACE_STARTUP: "1",
  };
  const trace = path.join(base, "trace.txt");
  const assignments = Object.entries(environment)
    .map(([name, value]) => `${name}=${shellQuote(value)}`)
    .join(" ");
  const launcher = path.join(base, "launch.sh");
  writeFileSync(
    launcher,
    `exec env -i ${assignments} ${shellQuote(process.execPath)} ${shellQuote(start.cli)} 2>${shellQuote(trace)}\n`,
  );
  const session = `run-${index}`;
  const run = (...args: string[]) => tmux(start.socket, ...args);
  try {
    const launchedAt = performance.now();
    run("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", project, `sh ${launcher}`);
    let last = "";
    while (performance.now() - launchedAt < DEADLINE_MS) {
      // Watch tacit's own trace first (a file read), and ask tmux only once it says the frame is
      // drawn: a capture-pane every few ms is a process each time, which slows tacit on two cores.
      const traced = /([\d.]+) ms {2}TUI first frame drawn/.exec(readTrace(trace));
      if (traced) {
        last = run("capture-pane", "-p", "-t", session);
        if (READY.test(last)) {
          const frame = { observedMs: performance.now() - launchedAt, firstFrameMs: Number(traced[1]) };
          if (start.quit) await quitWithExit(start.socket, session);
          return frame;
        }
      }
      await pause(15);
    }
    throw new Error(`the TUI did not show its prompt within ${DEADLINE_MS} ms; last screen:\n${last}`);
  } finally {
    spawnSync("tmux", ["-L", start.socket, "kill-session", "-t", session], { stdio: "ignore" });
    // The killed TUI may still be writing its home for a moment: removing it is tried again.
    rmSync(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
}

/** Types /exit and waits until the session (whose only process is tacit) has ended. */
async function quitWithExit(socket: string, session: string): Promise<void> {
  tmux(socket, "send-keys", "-t", session, "-l", "/exit");
  await pause(150);
  tmux(socket, "send-keys", "-t", session, "Enter");
  const deadline = performance.now() + DEADLINE_MS;
  while (performance.now() < deadline) {
    if (spawnSync("tmux", ["-L", socket, "has-session", "-t", session], { stdio: "ignore" }).status !== 0)
      return;
    await pause(50);
  }
  throw new Error("the TUI did not end after /exit");
}
