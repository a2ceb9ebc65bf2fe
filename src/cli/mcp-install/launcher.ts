import { accessSync, constants, realpathSync } from "node:fs";
import path from "node:path";

/**
 * The command an agent's configuration should start tacit with. `tacit` when
 * the `tacit` found on PATH is this very launcher: the entry then survives an
 * upgrade or a move of the installation, and reads as the user would type it.
 * Otherwise (a checkout, npx, another tacit earlier on PATH) the absolute path
 * of the launcher that is running now, so the agent starts exactly the tacit
 * the user installed it with, whatever PATH the agent's process is given
 * (editors started from a desktop often get a shorter one than the shell).
 */
export function tacitLauncher(env: NodeJS.ProcessEnv, runningLauncher: string): string {
  const running = realPathOf(runningLauncher) ?? path.resolve(runningLauncher);
  for (const folder of (env.PATH ?? "").split(path.delimiter)) {
    if (!folder) continue;
    const candidate = path.join(folder, "tacit");
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    // The first tacit on PATH is the one a bare `tacit` starts: it must be ours.
    return realPathOf(candidate) === running ? "tacit" : running;
  }
  return running;
}

function realPathOf(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}
