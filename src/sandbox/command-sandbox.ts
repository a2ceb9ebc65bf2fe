import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SandboxAvailability } from "./availability.ts";
import { bubblewrapArguments } from "./bubblewrap.ts";
import type { SandboxPolicy } from "./policy.ts";
import { seatbeltArguments, seatbeltProfile } from "./seatbelt.ts";

/** Wraps a command's argv so it runs under the policy; what the shell tools hold. */
export interface CommandSandbox {
  kind: "bubblewrap" | "seatbelt";
  /** What the tools tell the model, known without resolving the policy (which runs git and walks the project). */
  mode: SandboxPolicy["mode"];
  network: boolean;
  policy: SandboxPolicy;
  wrap(argv: string[], cwd: string): string[];
}

/**
 * A sandbox for this process's commands. Its private temp folder is made on
 * the first command and removed when tacit exits, so files a command leaves in
 * /tmp are there for the next command of the same session.
 */
export function createCommandSandbox(
  policyOrResolver: SandboxPolicy | (() => SandboxPolicy),
  availability: Extract<SandboxAvailability, { available: true }>,
  shape?: Pick<SandboxPolicy, "mode" | "network">,
): CommandSandbox {
  // A resolver defers the policy's cost (git config, the search for nested .git folders) from
  // start-up to the first shell command; it is resolved once.
  let resolved = typeof policyOrResolver === "function" ? undefined : policyOrResolver;
  const policyOf = () => {
    resolved ??= (policyOrResolver as () => SandboxPolicy)();
    return resolved;
  };
  let folders: { temporaryDirectory: string; emptyDirectory: string } | undefined;
  const ensureFolders = () => {
    if (folders) return folders;
    // Real path: macOS's tmpdir is behind a symlink, and Seatbelt matches resolved paths.
    const base = mkdtempSync(path.join(realpathSync(tmpdir()), "tacit-sandbox-"));
    folders = { temporaryDirectory: path.join(base, "tmp"), emptyDirectory: path.join(base, "empty") };
    mkdirSync(folders.temporaryDirectory);
    mkdirSync(folders.emptyDirectory);
    process.once("exit", () => rmSync(base, { recursive: true, force: true }));
    return folders;
  };
  const known = shape ?? policyOf();
  return {
    kind: availability.kind,
    mode: known.mode,
    network: known.network,
    get policy() {
      return policyOf();
    },
    wrap(argv, cwd) {
      const layout = ensureFolders();
      const policy = policyOf();
      if (availability.kind === "bubblewrap") {
        return [availability.binary, ...bubblewrapArguments(policy, layout, argv, cwd)];
      }
      const profile = seatbeltProfile(withRealPaths(policy), layout.temporaryDirectory);
      return [
        availability.binary,
        // The hidden variables are already out of the environment sandbox-exec starts with (run-process.ts).
        ...seatbeltArguments(profile, ["/usr/bin/env", `TMPDIR=${layout.temporaryDirectory}`, ...argv]),
      ];
    },
  };
}

/** Seatbelt matches the resolved path of what is opened, so its paths must be real ones (/private/tmp, not /tmp). */
function withRealPaths(policy: SandboxPolicy): SandboxPolicy {
  const real = (entry: string) => (existsSync(entry) ? realpathSync(entry) : entry);
  return {
    ...policy,
    projectRoot: real(policy.projectRoot),
    writableRoots: policy.writableRoots.map(real),
    readOnlyPaths: policy.readOnlyPaths.map(real),
    hiddenPaths: policy.hiddenPaths.map(real),
  };
}
