import path from "node:path";
import { expandHome } from "./paths.ts";
import type { Settings } from "./settings-schema.ts";

/**
 * A repository's settings file minus whatever would widen the sandbox: only
 * the user (their own settings, or their untracked local file) may open the
 * network, add writable folders outside the project, turn the sandbox off or
 * turn auto-allow on over their own choice. A repository may narrow it
 * (read-only mode, more hidden paths, auto-allow off). Each removal adds a warning.
 */
export function withoutSandboxWidening(
  settings: Settings,
  file: string,
  projectRoot: string,
  warnings: string[],
): Settings {
  const sandbox = settings.sandbox;
  if (!sandbox) return settings;
  const kept = { ...sandbox };
  const dropped: string[] = [];
  if (kept.mode !== undefined && kept.mode !== "read-only") {
    // "workspace-write" is the default already; from here it could only undo the user's "read-only".
    if (kept.mode === "off") dropped.push('mode "off"');
    delete kept.mode;
  }
  if (kept.network === true) {
    dropped.push("network: true");
    delete kept.network;
  }
  if (kept.autoAllow === true) delete kept.autoAllow;
  if (kept.writablePaths) {
    const root = path.resolve(projectRoot);
    const outside = kept.writablePaths.filter((entry) => {
      const relative = path.relative(root, path.resolve(root, expandHome(entry)));
      return relative.startsWith("..") || path.isAbsolute(relative);
    });
    if (outside.length > 0) {
      dropped.push(`writablePaths outside the project (${outside.join(", ")})`);
      kept.writablePaths = kept.writablePaths.filter((entry) => !outside.includes(entry));
    }
  }
  if (dropped.length > 0) {
    warnings.push(
      `${file}: ignored sandbox ${dropped.join(", ")}: a repository's settings may narrow the sandbox, not widen it. To choose this yourself, set it in ~/.tacit/settings.json or .tacit/settings.local.json.`,
    );
  }
  return { ...settings, sandbox: kept };
}
