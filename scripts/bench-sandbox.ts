// Sandbox start-up cost per shell call: the same command run through the Bash
// tool's runCommand with and without the OS sandbox, interleaved (A B A B …)
// so drift of a shared machine hits both alike. Reports medians and the
// median of the pairwise differences, plus the one-time availability probe.
//
//   npm run bench:sandbox        (TACIT_BENCH_RUNS=200 for more pairs)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { newToolSessionState, type ToolContext } from "../src/core/tool.ts";
import { sandboxAvailability } from "../src/sandbox/availability.ts";
import { setUpSandbox } from "../src/sandbox/setup.ts";
import { runCommand } from "../src/tools/bash.ts";

const runs = Number(process.env.TACIT_BENCH_RUNS ?? 100);
const command = "true";

const base = mkdtempSync(path.join(tmpdir(), "tacit-bench-sandbox-"));
const project = path.join(base, "project");
mkdirSync(project);
execFileSync("git", ["init", "-q"], { cwd: project });

const probeStart = performance.now();
const availability = await sandboxAvailability();
const probeMs = performance.now() - probeStart;
if (!availability.available) {
  console.error(`no sandbox on this machine: ${availability.reason}`);
  process.exit(1);
}
const { sandbox } = await setUpSandbox({
  settings: {},
  projectRoot: project,
  tacitHome: path.join(base, "home"),
  env: process.env,
});
const context: ToolContext = {
  cwd: project,
  projectRoot: project,
  signal: new AbortController().signal,
  state: newToolSessionState(),
};

async function timeOne(sandboxed: boolean): Promise<number> {
  const start = performance.now();
  const result = await runCommand(context, { command, ...(sandboxed ? { sandbox } : {}) });
  const elapsed = performance.now() - start;
  if (result.isError) throw new Error(`the command failed: ${result.output}`);
  return elapsed;
}

// Warm-up: the first spawns pay for page-cache misses and the temp folder.
for (let index = 0; index < 5; index++) {
  await timeOne(false);
  await timeOne(true);
}
const plain: number[] = [];
const boxed: number[] = [];
const differences: number[] = [];
for (let index = 0; index < runs; index++) {
  const without = await timeOne(false);
  const within = await timeOne(true);
  plain.push(without);
  boxed.push(within);
  differences.push(within - without);
}
rmSync(base, { recursive: true, force: true });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;

console.log(
  `sandbox: ${availability.kind} (${availability.binary}); command: bash -c '${command}'; ${runs} pairs`,
);
console.log(`availability probe (once per process): ${ms(probeMs)}`);
console.log(`without sandbox: median ${ms(median(plain))}, p95 ${ms(p95(plain))}`);
console.log(`with sandbox:    median ${ms(median(boxed))}, p95 ${ms(p95(boxed))}`);
console.log(`added per call:  median ${ms(median(differences))} (target under 15 ms)`);
