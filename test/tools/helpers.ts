import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { newToolSessionState, type ToolContext } from "../../src/core/tool.ts";

const created: string[] = [];

afterEach(async () => {
  for (const directory of created.splice(0)) await rm(directory, { recursive: true, force: true });
});

/** A fresh temp folder per test, removed afterwards. */
export async function makeTempDirectory(prefix = "tacit-tools-"): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), prefix));
  created.push(directory);
  return directory;
}

export function makeContext(cwd: string, signal: AbortSignal = new AbortController().signal): ToolContext {
  return { cwd, projectRoot: cwd, signal, state: newToolSessionState() };
}

/**
 * Alive and not a zombie: a killed orphan in a container whose init does not
 * reap stays a zombie, which signal 0 still finds.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
