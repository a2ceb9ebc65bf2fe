import { isInside } from "../config/real-path.ts";
import type { SandboxPolicy } from "./policy.ts";

/**
 * The macOS sandbox-exec (Seatbelt) profile for a policy. It starts from
 * "allow default" and only adds denials, so commands keep working with the
 * many system services macOS programs need; every denial names exactly what
 * it shuts (writes outside the writable roots, the guarded paths, hidden
 * reads, tacit's state folder but what is shown of it, the network), and a denial wins over "allow default".
 *
 * Paths must already be real paths (macOS's /tmp is /private/tmp): Seatbelt
 * matches the resolved path of what is opened.
 */
export function seatbeltProfile(policy: SandboxPolicy, temporaryDirectory: string): string {
  const writable = [temporaryDirectory, ...policy.writableRoots].map(subpath);
  const lines = [
    "(version 1)",
    "(allow default)",
    // Writes anywhere but the writable roots (and the devices every shell needs) are refused.
    `(deny file-write* (require-not (require-any ${[...writable, '(literal "/dev/null")', '(literal "/dev/tty")', '(regex #"^/dev/fd/")'].join(" ")})))`,
  ];
  if (policy.readOnlyPaths.length > 0) {
    lines.push(`(deny file-write* ${policy.readOnlyPaths.map(subpath).join(" ")})`);
  }
  if (policy.hiddenPaths.length > 0) {
    lines.push(`(deny file-read* ${policy.hiddenPaths.map(subpath).join(" ")})`);
  }
  for (const { folder, shown } of policy.stateFolders) lines.push(stateFolderDenial(policy, folder, shown));
  if (!policy.network) {
    // The host's loopback too: on macOS there is no separate network namespace,
    // and local services (databases, the Docker daemon) are a way out.
    lines.push("(deny network*)");
  }
  return `${lines.join("\n")}\n`;
}

/**
 * tacit's state folder, unreadable but for the folders shown and a project
 * that lies inside it (the bubblewrap sandbox mounts those back over its cover).
 */
function stateFolderDenial(policy: SandboxPolicy, folder: string, shown: string[]): string {
  const projectInside = [policy.projectRoot, ...policy.writableRoots].filter((root) =>
    isInside(root, folder),
  );
  const exceptions = [...new Set([...shown, ...projectInside])].map(subpath);
  if (exceptions.length === 0) return `(deny file-read* ${subpath(folder)})`;
  return `(deny file-read* (require-all ${subpath(folder)} (require-not (require-any ${exceptions.join(" ")}))))`;
}

/** The sandbox-exec command line that runs argv under the profile. */
export function seatbeltArguments(profile: string, argv: string[]): string[] {
  return ["-p", profile, ...argv];
}

/** `(subpath "…")` with the path quoted as an SBPL string literal. */
function subpath(filePath: string): string {
  return `(subpath ${quote(filePath)})`;
}

function quote(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
