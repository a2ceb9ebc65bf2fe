// TUI startup benchmark: launches the built CLI (`tacit`, no -p) inside tmux
// and measures the time from launch until the input prompt is on screen, i.e.
// the TUI accepts input. Each run gets a fresh TACIT_HOME and git project.
// Prints one Markdown table row (median over the runs, with min and max).
// Usage: npm run build && node scripts/bench-tui-startup.ts [--runs 7]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hasTmux, startTmuxServer, tuiFirstFrame } from "./tui-first-frame.ts";

const runsArgument = process.argv.indexOf("--runs");
const runs = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 7;
const repoRoot = path.resolve(import.meta.dirname, "..");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

if (!hasTmux) {
  console.error("bench-tui-startup: tmux is not installed (apt-get install tmux)");
  process.exit(1);
}

// A private folder of the benchmark's own: the unmeasured first start, quit with /exit, leaves the
// TUI's code cache there, as any earlier session on the machine would.
const temp = mkdtempSync(path.join(tmpdir(), "tacit-bench-tui-temp-"));
const start = { cli: path.join(repoRoot, "bin", "tacit.js"), socket: `tacit-bench-${process.pid}`, temp };
const stopTmux = startTmuxServer(start.socket);
try {
  await tuiFirstFrame({ ...start, quit: true }, 0);
  const samples = [];
  for (let run = 1; run <= runs; run++) samples.push(await tuiFirstFrame(start, run));
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
  stopTmux();
  rmSync(temp, { recursive: true, force: true });
}
