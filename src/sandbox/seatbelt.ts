import type { SandboxPolicy } from "./policy.ts";

/**
 * The macOS sandbox-exec (Seatbelt) profile for a policy. It starts from
 * "allow default" and only adds denials, so commands keep working with the
 * many system services macOS programs need; every denial names exactly what
 * it shuts (writes outside the writable roots, the guarded paths, hidden
 * reads, the network), and a denial wins over "allow default".
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
  if (!policy.network) {
    // The host's loopback too: on macOS there is no separate network namespace,
    // and local services (databases, the Docker daemon) are a way out.
    lines.push("(deny network*)");
  }
  return `${lines.join("\n")}\n`;
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
