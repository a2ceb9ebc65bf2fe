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

/** Host pids of live (not zombie) processes whose command line holds marker. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!commandLine.split("\0").includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z") found.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
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
  if (!(await eventually(() => processesWith(marker).length >= 2))) {
    throw new Error(`the sandboxed sleeps never started:\n${stderr}`);
  }
  return { child, marker };
}

describe.skipIf(!availability.available)(`sandboxed commands die with tacit${skipReason}`, () => {
  it("SIGHUP (the terminal closing) stops the sandbox, background job included", async () => {
    const { child, marker } = await startSandboxedStandIn();
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGHUP");
    await exited;
    expect(await eventually(() => processesWith(marker).length === 0)).toBe(true);
  });

  it("even kill -9 of tacit, which runs no handler, ends the sandbox (--die-with-parent)", async () => {
    const { child, marker } = await startSandboxedStandIn();
    child.kill("SIGKILL");
    expect(await eventually(() => processesWith(marker).length === 0)).toBe(true);
  });
});
