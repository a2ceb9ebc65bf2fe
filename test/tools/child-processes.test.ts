import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { killAllChildProcesses } from "../../src/tools/run-process.ts";
import { isRunning, makeTempDirectory } from "./helpers.ts";

const childScript = path.join(import.meta.dirname, "fixtures", "run-command-child.ts");
const repositoryNode = path.join(import.meta.dirname, "..", "..", "node_modules", ".bin", "node");
// Node 24 runs the .ts fixture directly (type stripping); the project pins it.
const nodeBinary = existsSync(repositoryNode) ? repositoryNode : process.execPath;

const started: ChildProcess[] = [];
const sleepers: number[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const pid of sleepers.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
  }
});

/** Polls until check holds or a generous deadline passes; returns whether it held. */
async function eventually(check: () => boolean, deadlineMs = 10_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(25);
  }
  return check();
}

async function startTacitStandIn(mode: string) {
  const directory = await makeTempDirectory("tacit-children-");
  const pidFile = path.join(directory, "sleep.pid");
  const child = spawn(nodeBinary, [childScript, mode, pidFile], {
    cwd: directory,
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  // Generous: a loaded two-core machine can take seconds to start Node on a .ts file.
  const ready = await eventually(() => existsSync(pidFile), 20_000);
  if (!ready) throw new Error(`the stand-in never started its command:\n${output}`);
  const sleepPid = Number(readFileSync(pidFile, "utf8").trim());
  sleepers.push(sleepPid);
  expect(isRunning(sleepPid)).toBe(true);
  return { child, sleepPid, exited, output: () => output };
}

describe("child processes die with tacit", () => {
  it("SIGHUP (the terminal closing) stops a running command and tacit still exits", async () => {
    const { child, sleepPid, exited } = await startTacitStandIn("foreground");
    child.kill("SIGHUP");
    const exit = await exited;
    expect(exit.code).toBe(129);
    expect(await eventually(() => !isRunning(sleepPid))).toBe(true);
  });

  it("SIGTERM stops a running command and tacit exits with 143", async () => {
    const { child, sleepPid, exited } = await startTacitStandIn("foreground");
    child.kill("SIGTERM");
    expect((await exited).code).toBe(143);
    expect(await eventually(() => !isRunning(sleepPid))).toBe(true);
  });

  it("SIGTERM stops a running hook too: its process group is killed with tacit's other children", async () => {
    const { child, sleepPid, exited } = await startTacitStandIn("hook");
    child.kill("SIGTERM");
    expect((await exited).code).toBe(143);
    expect(await eventually(() => !isRunning(sleepPid))).toBe(true);
  });

  it("an outside SIGINT (kill -INT; in the TUI Ctrl-C is a key, not a signal) stops the command too", async () => {
    const { child, sleepPid, exited } = await startTacitStandIn("foreground");
    child.kill("SIGINT");
    expect((await exited).code).toBe(130);
    expect(await eventually(() => !isRunning(sleepPid))).toBe(true);
  });

  it("stops a background job a finished command left behind", async () => {
    const { child, sleepPid, exited, output } = await startTacitStandIn("background");
    // The command itself has finished; its background sleep is still running.
    expect(await eventually(() => output().includes("finished: ok"))).toBe(true);
    expect(isRunning(sleepPid)).toBe(true);
    child.kill("SIGHUP");
    expect((await exited).code).toBe(129);
    expect(await eventually(() => !isRunning(sleepPid))).toBe(true);
  });

  it("leaves SIGTERM to a handler the program installed itself (headless mode's)", async () => {
    const { child, sleepPid, exited, output } = await startTacitStandIn("own-handler");
    child.kill("SIGTERM");
    // The script's own handler aborted the run and chose the exit code.
    expect((await exited).code).toBe(7);
    expect(output()).toContain("finished: error");
    expect(await eventually(() => !isRunning(sleepPid))).toBe(true);
  });
});

describe("killAllChildProcesses", () => {
  it("signals nothing when no command is running", () => {
    expect(killAllChildProcesses("SIGTERM")).toBe(0);
  });
});
