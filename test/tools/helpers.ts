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
