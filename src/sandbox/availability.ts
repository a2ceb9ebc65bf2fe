import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { BUBBLEWRAP_BASE_ARGUMENTS } from "./bubblewrap.ts";
import { forgetProbeSuccess, probeSucceededBefore, rememberProbeSuccess } from "./probe-memory.ts";

export type SandboxAvailability =
  | { available: true; kind: "bubblewrap" | "seatbelt"; binary: string }
  | { available: false; reason: string };

let cached: Promise<SandboxAvailability> | undefined;

/**
 * Whether this machine can sandbox commands, probed once per process by
 * really starting an empty sandbox: bwrap can be installed yet unable to
 * create namespaces (some containers, a kernel that forbids unprivileged user
 * namespaces), and only a real start tells. Asynchronous, so a run's start-up
 * goes on while the probe runs.
 */
export function sandboxAvailability(env: NodeJS.ProcessEnv = process.env): Promise<SandboxAvailability> {
  cached ??= probeSandbox(env);
  return cached;
}

/**
 * The probe itself. A bubblewrap that started a sandbox before, under the same
 * conditions, is not started again (probe-memory.ts says when and why that is
 * safe) unless `fresh` asks for a real start, as `tacit doctor` does.
 */
export function probeSandbox(
  env: NodeJS.ProcessEnv,
  options: { fresh?: boolean } = {},
): Promise<SandboxAvailability> {
  if (process.platform === "darwin") {
    return probe("/usr/bin/sandbox-exec", "seatbelt", ["-p", "(version 1)(allow default)", "/usr/bin/true"]);
  }
  if (process.platform !== "linux") {
    return Promise.resolve({
      available: false,
      reason: `no sandbox for ${process.platform} (bubblewrap on Linux, sandbox-exec on macOS)`,
    });
  }
  const binary = findOnPath("bwrap", env.PATH ?? "");
  if (!binary) return Promise.resolve({ available: false, reason: "bubblewrap (bwrap) is not installed" });
  if (!options.fresh && probeSucceededBefore(binary, env))
    return Promise.resolve({ available: true, kind: "bubblewrap", binary });
  return probeBubblewrap(binary).then((verdict) => {
    if (verdict.available) rememberProbeSuccess(binary, env);
    else forgetProbeSuccess(env);
    return verdict;
  });
}

/** Starts an empty sandbox with the namespaces tacit's real ones use. Exported for tests. */
export function probeBubblewrap(binary: string): Promise<SandboxAvailability> {
  return probe(binary, "bubblewrap", [...BUBBLEWRAP_BASE_ARGUMENTS, "--", "true"]);
}

function probe(
  binary: string,
  kind: "bubblewrap" | "seatbelt",
  args: string[],
): Promise<SandboxAvailability> {
  return new Promise((resolve) => {
    let stderr = "";
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ available: false, reason: `${binary} did not start: ${error.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ available: true, kind, binary });
      const said = stderr.trim().split("\n")[0] || (signal ? `killed by ${signal}` : `exit code ${code}`);
      resolve({ available: false, reason: `${binary} cannot create a sandbox here: ${said}` });
    });
  });
}

export function findOnPath(name: string, searchPath: string): string | undefined {
  for (const directory of searchPath.split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}
