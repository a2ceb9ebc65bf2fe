import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { makeTempDirectory } from "../tools/helpers.ts";
import { availability, skipReason } from "./helpers.ts";

const childScript = path.join(import.meta.dirname, "fixtures", "sandboxed-child.ts");
const repositoryNode = path.join(import.meta.dirname, "..", "..", "node_modules", ".bin", "node");
const nodeBinary = existsSync(repositoryNode) ? repositoryNode : process.execPath;

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

interface ProcessEntry {
  pid: number;
  parent: number;
  state: string;
  name: string;
  argv: string[];
}

/** Live (not zombie) host processes, as /proc shows them now. */
function liveProcesses(): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const nameEnd = stat.lastIndexOf(")");
      const [state, parent] = stat.slice(nameEnd + 2).split(" ");
      if (state === "Z") continue;
      found.push({
        pid: Number(entry),
        parent: Number(parent),
        state: state!,
        name: stat.slice(stat.indexOf("(") + 1, nameEnd),
        argv,
      });
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/**
 * The sleeps: processes whose arguments hold marker, other than the stand-in,
 * whose own command line carries it too.
 */
function sleepsWith(marker: string, standIn: number | undefined): ProcessEntry[] {
  return liveProcesses().filter((process) => process.pid !== standIn && process.argv.includes(marker));
}

/**
 * Both sleeps run, and every bwrap below the stand-in is blocked (state S).
 * bwrap binds itself to its parent (PR_SET_PDEATHSIG) only after it has
 * started the sandbox: the outer bwrap after clone(), racing the child that
 * goes on to run the command. A kill in that window (a loaded two-core CI
 * machine descheduling the outer bwrap) leaves the sandbox running, so the
 * test waits until each bwrap has reached its wait, which comes after the
 * binding.
 */
function sandboxSettled(marker: string, standIn: number | undefined): boolean {
  if (sleepsWith(marker, standIn).length < 2) return false;
  const processes = liveProcesses();
  const below = new Set(standIn === undefined ? [] : [standIn]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const process of processes) {
      if (below.has(process.parent) && !below.has(process.pid)) {
        below.add(process.pid);
        grew = true;
      }
    }
  }
  const bubblewraps = processes.filter((process) => below.has(process.pid) && process.name === "bwrap");
  return bubblewraps.length > 0 && bubblewraps.every((process) => process.state === "S");
}

function describeSurvivors(marker: string, standIn: number | undefined): string {
  return sleepsWith(marker, standIn)
    .map(
      (process) => `${process.pid} (parent ${process.parent}, ${process.state}): ${process.argv.join(" ")}`,
    )
    .join("\n");
}

async function eventually(check: () => boolean, deadlineMs = 20_000): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(25);
  }
  return check();
}

/** Starts the stand-in and waits until both sleeps run inside its sandbox; returns the marker. */
async function startSandboxedStandIn(): Promise<{ child: ChildProcess; marker: string }> {
  const project = await makeTempDirectory("tacit-sandbox-children-");
  // A sleep length no other process on the machine would have.
  const marker = `${3000 + Math.floor(Math.random() * 1000)}.${process.pid}${Date.now() % 100000}`;
  const child = spawn(nodeBinary, [childScript, marker, project], { stdio: ["ignore", "ignore", "pipe"] });
  started.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  // Generous: a loaded two-core machine can take seconds to start Node on a .ts file.
  if (!(await eventually(() => sandboxSettled(marker, child.pid)))) {
    throw new Error(
      `the sandboxed sleeps never started:\n${stderr}\n${describeSurvivors(marker, child.pid)}`,
    );
  }
  return { child, marker };
}

describe.skipIf(!availability.available)(`sandboxed commands die with tacit${skipReason}`, () => {
  it("SIGHUP (the terminal closing) stops the sandbox, background job included", async () => {
    const { child, marker } = await startSandboxedStandIn();
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGHUP");
    await exited;
    const ended = await eventually(() => sleepsWith(marker, child.pid).length === 0);
    expect(ended, describeSurvivors(marker, child.pid)).toBe(true);
  });

  it("even kill -9 of tacit, which runs no handler, ends the sandbox (--die-with-parent)", async () => {
    const { child, marker } = await startSandboxedStandIn();
    child.kill("SIGKILL");
    const ended = await eventually(() => sleepsWith(marker, child.pid).length === 0);
    expect(ended, describeSurvivors(marker, child.pid)).toBe(true);
  });
});
