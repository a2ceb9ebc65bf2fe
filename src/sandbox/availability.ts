import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { BUBBLEWRAP_BASE_ARGUMENTS } from "./bubblewrap.ts";

export type SandboxAvailability =
  | { available: true; kind: "bubblewrap" | "seatbelt"; binary: string }
  | { available: false; reason: string };

let cached: SandboxAvailability | undefined;

/**
 * Whether this machine can sandbox commands, probed once per process by
 * really starting an empty sandbox: bwrap can be installed yet unable to
 * create namespaces (some containers, a kernel that forbids unprivileged user
 * namespaces), and only a real start tells.
 */
export function sandboxAvailability(env: NodeJS.ProcessEnv = process.env): SandboxAvailability {
  cached ??= probeSandbox(env);
  return cached;
}

function probeSandbox(env: NodeJS.ProcessEnv): SandboxAvailability {
  if (process.platform === "darwin") return probeSeatbelt("/usr/bin/sandbox-exec");
  if (process.platform !== "linux") {
    return {
      available: false,
      reason: `no sandbox for ${process.platform} (bubblewrap on Linux, sandbox-exec on macOS)`,
    };
  }
  const binary = findOnPath("bwrap", env.PATH ?? "");
  if (!binary) return { available: false, reason: "bubblewrap (bwrap) is not installed" };
  return probeBubblewrap(binary);
}

/** Starts an empty sandbox with the namespaces tacit's real ones use. Exported for tests. */
export function probeBubblewrap(binary: string): SandboxAvailability {
  const result = spawnSync(binary, [...BUBBLEWRAP_BASE_ARGUMENTS, "--", "true"], {
    encoding: "utf8",
    timeout: 10_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (result.error) return { available: false, reason: `${binary} did not start: ${result.error.message}` };
  if (result.status !== 0) {
    const said = (result.stderr ?? "").trim().split("\n")[0] || `exit code ${result.status}`;
    return { available: false, reason: `${binary} cannot create a sandbox here: ${said}` };
  }
  return { available: true, kind: "bubblewrap", binary };
}

function probeSeatbelt(binary: string): SandboxAvailability {
  const result = spawnSync(binary, ["-p", "(version 1)(allow default)", "/usr/bin/true"], {
    encoding: "utf8",
    timeout: 10_000,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (result.error) return { available: false, reason: `${binary} did not start: ${result.error.message}` };
  if (result.status !== 0) {
    return { available: false, reason: `${binary} failed: ${(result.stderr ?? "").trim() || result.status}` };
  }
  return { available: true, kind: "seatbelt", binary };
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
