import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach } from "vitest";
import type { SandboxSettings } from "../../src/config/settings-schema.ts";
import { newToolSessionState, type ToolContext } from "../../src/core/tool.ts";
import { sandboxAvailability } from "../../src/sandbox/availability.ts";
import { setUpSandbox } from "../../src/sandbox/setup.ts";
import { runCommand } from "../../src/tools/bash.ts";
import { makeTempDirectory } from "../tools/helpers.ts";

export const availability = await sandboxAvailability();
/** Suffix for describe names, so a skipped suite says why. */
export const skipReason = availability.available ? "" : ` (skipped: ${availability.reason})`;

export interface SandboxWorld {
  project: string;
  /** A fake $HOME outside the project, with a credential folder in it. */
  userHome: string;
  tacitHome: string;
  env: NodeJS.ProcessEnv;
}

const homesMade: string[] = [];
afterEach(() => {
  for (const folder of homesMade.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/**
 * Where the fake home goes: outside /tmp when the machine allows (/var/tmp),
 * because the sandbox gives commands a private /tmp, and a write under the
 * host's /tmp would land there instead of being refused.
 */
function homeBase(fallback: string): string {
  try {
    accessSync("/var/tmp", constants.W_OK);
    const folder = mkdtempSync("/var/tmp/tacit-sandbox-home-");
    homesMade.push(folder);
    return folder;
  } catch {
    return fallback;
  }
}

/** A git project (under the host's /tmp), a fake home with ~/.ssh, and a TACIT_HOME, in fresh folders. */
export async function makeWorld(): Promise<SandboxWorld> {
  const base = await makeTempDirectory("tacit-sandbox-test-");
  const project = path.join(base, "project");
  const userHome = path.join(homeBase(base), "home");
  const tacitHome = path.join(userHome, ".tacit");
  mkdirSync(project);
  mkdirSync(path.join(userHome, ".ssh"), { recursive: true });
  mkdirSync(path.join(tacitHome, "memory"), { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: project });
  return { project, userHome, tacitHome, env: { ...process.env, HOME: userHome } };
}

export async function sandboxFor(world: SandboxWorld, settings: SandboxSettings = {}) {
  const setup = await setUpSandbox({
    settings: { sandbox: settings },
    projectRoot: world.project,
    tacitHome: world.tacitHome,
    env: world.env,
  });
  return setup.sandbox;
}

export function contextIn(directory: string): ToolContext {
  return {
    cwd: directory,
    projectRoot: directory,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };
}

/** Runs a bash script in the world's project under the sandbox the settings describe. */
export async function runSandboxed(world: SandboxWorld, script: string, settings: SandboxSettings = {}) {
  const sandbox = await sandboxFor(world, settings);
  if (!sandbox) throw new Error("expected a sandbox");
  return runCommand(contextIn(world.project), { command: script, sandbox, timeoutMs: 30_000 });
}
