// A/B start-up benchmark: this checkout's build against another's, run in turn (A B A B …) so a drift in
// the machine's speed hits both alike. Each run is a one-turn `tacit -p "say hi" --no-reflect` in a fresh
// home against the fake model server, then the full CLI's starts (scripts/startup-ab-commands.ts): `tacit
// acp` to its initialize answer, `tacit memory list` to its exit and the TUI to its first frame (under
// tmux, when installed). Prints, per measure, both medians, the median of the pair ratios A/B and how
// many pairs A won: the first request (launch to the server receiving it), the CPU time the process and
// its main thread alone had used when start-up reached a phase (TACIT_TRACE_STARTUP), and at exit.
// Every run's private folder (its code caches) is in a temp folder of the benchmark's own; one
// unmeasured run of each, ended as a user would end it, leaves the caches a second start finds.
// The other checkout must be built: `git worktree add /tmp/tacit-main main && (cd /tmp/tacit-main &&
// npm ci && npm run build)`.
// Usage: npm run bench:startup-ab -- --vs /tmp/tacit-main [--pairs 21]
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFakeServer } from "../test/fake-server/server.ts";
import { fullCliSample, type Sample } from "./startup-ab-commands.ts";
import { hasTmux, startTmuxServer } from "./tui-first-frame.ts";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}
const other = option("--vs");
const pairs = Number(option("--pairs") ?? 21);
const repoRoot = path.resolve(import.meta.dirname, "..");
if (!other || !existsSync(path.join(other, "bin", "tacit.js"))) {
  console.error("usage: npm run bench:startup-ab -- --vs <another built checkout> [--pairs 21]");
  process.exit(2);
}
const cpuProbe = path.join(import.meta.dirname, "startup-cpu-probe.mjs");
const phases = ["settings loaded", "model resolved", "first recall done", "provider SDK loaded"];

const temp = mkdtempSync(path.join(tmpdir(), "tacit-ab-temp-"));
const socket = `tacit-ab-${process.pid}`;

async function runOnce(
  checkout: string,
  server: Awaited<ReturnType<typeof startFakeServer>>,
): Promise<Sample> {
  const home = mkdtempSync(path.join(tmpdir(), "tacit-ab-home-"));
  const project = mkdtempSync(path.join(tmpdir(), "tacit-ab-project-"));
  const before = server.requests.length;
  server.enqueue({ text: "hi" });
  const launchedAt = Date.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(checkout, "bin", "tacit.js"), "-p", "say hi", "--no-reflect"],
      {
        cwd: project,
        stdio: ["ignore", "ignore", "pipe"],
        env: {
          ...process.env,
          TACIT_HOME: home,
          TACIT_MODEL: "anthropic/claude-sonnet-4-5",
          ANTHROPIC_BASE_URL: server.url,
          ANTHROPIC_API_KEY: "bench",
          TACIT_TRACE_STARTUP: "1",
          TMPDIR: temp,
          XDG_RUNTIME_DIR: "",
          NODE_OPTIONS: `--import ${cpuProbe}`,
        },
      },
    );
    let text = "";
    child.stderr.on("data", (chunk) => {
      text += chunk;
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(text) : reject(new Error(`tacit exited ${code}: ${text}`)),
    );
  });
  rmSync(home, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
  const request = server.requests[before];
  if (!request) throw new Error("the fake server recorded no request");
  const sample: Sample = { "first request (ms)": request.receivedAt - launchedAt };
  for (const match of stderr.matchAll(/^\[startup\]\s+[\d.]+ ms\s+(.+?) @cpu ([\d.]+) @main ([\d.]+)$/gm)) {
    if (!phases.includes(match[1]!)) continue;
    sample[`CPU at ${match[1]} (ms)`] = Number(match[2]);
    sample[`main thread's CPU at ${match[1]} (ms)`] = Number(match[3]);
  }
  const exit = /exit @cpu ([\d.]+) @main ([\d.]+)/.exec(stderr);
  sample["CPU at exit (ms)"] = Number(exit?.[1]);
  sample["main thread's CPU at exit (ms)"] = Number(exit?.[2]);
  return sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One pair's worth for a checkout: a headless run, then the full CLI's starts. */
async function sampleOf(
  checkout: string,
  server: Awaited<ReturnType<typeof startFakeServer>>,
  index: number,
  warmUp = false,
): Promise<Sample> {
  const headless = await runOnce(checkout, server);
  const cli = path.join(checkout, "bin", "tacit.js");
  return { ...headless, ...(await fullCliSample({ cli, temp, socket }, index, warmUp)) };
}

const server = await startFakeServer();
const stopTmux = hasTmux ? startTmuxServer(socket) : () => undefined;
try {
  const a: Sample[] = [];
  const b: Sample[] = [];
  // One unmeasured run each, ended well, fills the code caches for both builds.
  await sampleOf(repoRoot, server, 0, true);
  await sampleOf(other, server, 1, true);
  for (let pair = 0; pair < pairs; pair++) {
    // The order alternates too, so neither build always runs right after the other.
    const index = 2 + pair * 2;
    if (pair % 2) {
      b.push(await sampleOf(other, server, index));
      a.push(await sampleOf(repoRoot, server, index + 1));
    } else {
      a.push(await sampleOf(repoRoot, server, index));
      b.push(await sampleOf(other, server, index + 1));
    }
  }
  console.log(`A: ${repoRoot}\nB: ${other}\n${pairs} pairs, alternated; node ${process.version}\n`);
  console.log("| measure | A median | B median | A/B (median of pairs) | A lower in |");
  console.log("|---|---|---|---|---|");
  for (const measure of Object.keys(a[0]!)) {
    const ratios = a.map((sample, index) => sample[measure]! / b[index]![measure]!);
    const wins = a.filter((sample, index) => sample[measure]! < b[index]![measure]!).length;
    console.log(
      `| ${measure} | ${median(a.map((sample) => sample[measure]!)).toFixed(1)} | ${median(b.map((sample) => sample[measure]!)).toFixed(1)} | ${median(ratios).toFixed(3)} | ${wins}/${pairs} |`,
    );
  }
} finally {
  stopTmux();
  await server.close();
  rmSync(temp, { recursive: true, force: true });
}
