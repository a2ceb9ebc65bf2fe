// TUI startup benchmark: launches the built CLI (`tacit`, no -p) inside tmux
// and measures the time from launch until the input prompt is on screen, i.e.
// the TUI accepts input. Each run gets a fresh TACIT_HOME and git project.
// Prints one Markdown table row (median over the runs, with min and max).
// Usage: npm run build && node scripts/bench-tui-startup.ts [--runs 7]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const runsArgument = process.argv.indexOf("--runs");
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 7;
const repoRoot = path.resolve(import.meta.dirname, "..");
const cli = path.join(repoRoot, "bin", "tacit.js");
// What the TUI draws once its editor is ready: the prompt marker and the placeholder beside it.
const READY = /❯\s+Ask anything/;
const DEADLINE_MS = 20_000;
const socket = `tacit-bench-${process.pid}`;

if (spawnSync("tmux", ["-V"], { stdio: "ignore" }).status !== 0) {
  console.error("bench-tui-startup: tmux is not installed (apt-get install tmux)");
  process.exit(1);
}

function tmux(...args: string[]): string {
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
}

function readTrace(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

interface Sample {
  /** From the tmux launch until capture-pane shows the prompt (includes tmux and polling overhead). */
  observedMs: number;
  /** From process start until Ink wrote the first frame, by tacit's own clock (TACIT_TRACE_STARTUP). */
  firstFrameMs: number;
}

async function runOnce(index: number): Promise<Sample> {
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
    TACIT_HOME: path.join(base, "tacit-home"),
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
    `exec env -i ${assignments} ${shellQuote(process.execPath)} ${shellQuote(cli)} 2>${shellQuote(trace)}\n`,
  );
  const session = `run-${index}`;
  try {
    const launchedAt = performance.now();
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", project, `sh ${launcher}`);
    let last = "";
    while (performance.now() - launchedAt < DEADLINE_MS) {
      // Watch tacit's own trace first (a file read), and ask tmux only once it says the frame is
      // drawn: a capture-pane every few ms is a process each time, which slows tacit on two cores.
      const traced = /([\d.]+) ms {2}TUI first frame drawn/.exec(readTrace(trace));
      if (traced) {
        last = tmux("capture-pane", "-p", "-t", session);
        if (READY.test(last))
          return { observedMs: performance.now() - launchedAt, firstFrameMs: Number(traced[1]) };
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    throw new Error(`the TUI did not show its prompt within ${DEADLINE_MS} ms; last screen:\n${last}`);
  } finally {
    spawnSync("tmux", ["-L", socket, "kill-session", "-t", session], { stdio: "ignore" });
    rmSync(base, { recursive: true, force: true });
  }
}

// A session that only keeps this benchmark's tmux server up, so server start-up is not measured.
tmux("new-session", "-d", "-s", "keep", "sleep 600");
try {
  // One unmeasured run warms Node's compile cache, as any second start of tacit would find it.
  await runOnce(0);
  const samples: Sample[] = [];
  for (let run = 1; run <= runs; run++) samples.push(await runOnce(run));
  const row = (label: string, values: number[]) =>
    `| ${label} | ${median(values).toFixed(0)} ms | ${Math.min(...values).toFixed(0)} ms | ${Math.max(...values).toFixed(0)} ms |`;
  console.log(
    `tacit TUI startup benchmark: ${runs} runs, launch until the prompt accepts input (node ${process.version}, ${process.platform})\n`,
  );
  console.log("| what | median | min | max |");
  console.log("|---|---|---|---|");
  console.log(
    row(
      "TUI first frame, prompt taking input (process clock)",
      samples.map((sample) => sample.firstFrameMs),
    ),
  );
  console.log(
    row(
      "prompt seen on the tmux screen (adds tmux start-up and polling)",
      samples.map((sample) => sample.observedMs),
    ),
  );
} finally {
  spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
}
