// The full CLI's starts that scripts/bench-startup-ab.ts times besides a headless run, each from a
// checkout's bin/tacit.js in a fresh home: `tacit acp` until it answers initialize, `tacit memory list`
// until it exits, and the TUI until its first frame (scripts/tui-first-frame.ts). Each run ends as a
// user's would (stdin closed, exit 0, /exit when asked), so a warm-up run leaves its code cache.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hasTmux, tuiFirstFrame } from "./tui-first-frame.ts";

export type Sample = Record<string, number>;

export interface CommandStart {
  /** bin/tacit.js of the checkout. */
  cli: string;
  /** Standing for the system's temp folder: tacit's private folder (its code caches) goes in it. */
  temp: string;
  /** The tmux server the TUI's starts share. */
  socket: string;
}

function freshHome(): { base: string; project: string; env: NodeJS.ProcessEnv } {
  const base = mkdtempSync(path.join(tmpdir(), "tacit-ab-command-"));
  const project = path.join(base, "project");
  mkdirSync(project);
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: base,
    TACIT_HOME: path.join(base, "tacit-home"),
    TACIT_NO_REFLECT: "1",
    ANTHROPIC_API_KEY: "bench",
  };
  return { base, project, env };
}

function withTemp(start: CommandStart, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, TMPDIR: start.temp, XDG_RUNTIME_DIR: "" };
}

/** Spawn until `tacit acp` answers initialize; then stdin is closed, and the agent exits as it ends well. */
async function acpInitialize(start: CommandStart): Promise<number> {
  const { base, project, env } = freshHome();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [start.cli, "acp"], {
    cwd: project,
    stdio: ["pipe", "pipe", "ignore"],
    env: withTemp(start, env),
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const answered = new Promise<number>((resolve) =>
    child.stdout.once("data", () => resolve(performance.now() - spawnedAt)),
  );
  child.stdin.write(
    `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: 1, clientCapabilities: {} } })}\n`,
  );
  const milliseconds = await answered;
  child.stdin.end();
  const code = await exited;
  rmSync(base, { recursive: true, force: true });
  if (code !== 0) throw new Error(`tacit acp exited ${code}`);
  return milliseconds;
}

/** Spawn until `tacit memory list` has exited. */
async function memoryList(start: CommandStart): Promise<number> {
  const { base, project, env } = freshHome();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [start.cli, "memory", "list"], {
    cwd: project,
    stdio: ["ignore", "ignore", "ignore"],
    env: withTemp(start, env),
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const milliseconds = performance.now() - spawnedAt;
  rmSync(base, { recursive: true, force: true });
  if (code !== 0) throw new Error(`tacit memory list exited ${code}`);
  return milliseconds;
}

/** One start of each; `warmUp` ends the TUI with /exit (a start that ends well leaves its cache). */
export async function fullCliSample(start: CommandStart, index: number, warmUp = false): Promise<Sample> {
  const sample: Sample = {
    "acp: initialize answered (ms)": await acpInitialize(start),
    "memory list: exited (ms)": await memoryList(start),
  };
  if (hasTmux) {
    const frame = await tuiFirstFrame({ ...start, quit: warmUp }, index);
    sample["TUI first frame (ms, process clock)"] = frame.firstFrameMs;
  }
  return sample;
}
