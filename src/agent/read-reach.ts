import path from "node:path";
import type { PermissionSubject } from "../core/tool.ts";
import { DEFAULT_HIDDEN_PATHS } from "../sandbox/hidden-paths.ts";
import { isInside, realPathOfNearest } from "./permission-paths.ts";
import { quoteForShell } from "./shell/shell-rules.ts";

/**
 * Where a read tool (Read, Grep, Glob, LS and their other families' names)
 * reaches beyond what the session may read unasked. What a read returns goes
 * to the model provider, and a file the model reads can steer it (a hostile
 * repository's text may ask it to fetch ~/.ssh/id_ed25519), so:
 *
 * - a read outside the project asks in every mode but bypass (headless:
 *   refused) unless an allow rule covers where it really leads; tacit's own
 *   folders get no exception: memory has its own tool, and the user's global
 *   instruction files are read by tacit itself, not through a tool;
 * - a well-known credential file or folder, the ones the sandbox hides from
 *   commands (sandbox/hidden-paths.ts), asks even in bypass
 *   and even inside the project (run in the home folder, ~/.ssh is inside),
 *   unless an allow rule names it: bypass is chosen to stop prompts about
 *   changes, not to send keys to a provider.
 *
 * Judged on real paths, so a symlink in the project leading out counts as out.
 */
export interface ReadReach {
  /** The real paths of the read that lie outside the project, or are credentials. */
  paths: string[];
  /** Whether any of them is a credential path: those ask even in bypass. */
  credential: boolean;
}

/** The part of a read subject that needs an allow rule or the user's say; undefined when none does. */
export function readReach(
  subject: PermissionSubject,
  projectRoot: string,
  home: string,
  mode: string,
  realOf: (absolutePath: string) => string = realPathOfNearest,
): ReadReach | undefined {
  if (subject.kind !== "read") return undefined;
  const realRoot = realPathOfNearest(path.resolve(projectRoot));
  const realPaths = subject.paths.map((filePath) => realOf(path.resolve(projectRoot, filePath)));
  const credentials = realPaths.filter((real) => isCredentialPath(real, home));
  const outside = mode === "bypass" ? [] : realPaths.filter((real) => !isInside(real, realRoot));
  const paths = [...new Set([...outside, ...credentials])];
  return paths.length > 0 ? { paths, credential: credentials.length > 0 } : undefined;
}

/** Whether a real path is, or is inside, one of the well-known credential paths under the home folder. */
export function isCredentialPath(realPath: string, home: string): boolean {
  // Plain prefix tests: the search tools ask this for every file they walk.
  return credentialRoots(home).some((root) => realPath === root || realPath.startsWith(`${root}${path.sep}`));
}

/**
 * The credential paths a shell command names (`cat ~/.ssh/id_ed25519`,
 * `git commit -F $HOME/.aws/credentials`), for a command that runs outside
 * the sandbox, where nothing hides them: it asks like Read of them does,
 * whatever prefix rule would cover it. Matched on the text, as the home folder
 * may be spelled `~`, `$HOME`, `${HOME}` or in full; a mention that is no read
 * asks too, which is the safe side.
 */
export function credentialMentions(command: string, home: string): string[] {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's own spelling of $HOME, matched as text.
  const homes = ["~", "$HOME", "${HOME}", path.resolve(home), realPathOfNearest(path.resolve(home))];
  return DEFAULT_HIDDEN_PATHS.filter((entry) => {
    const relative = entry.slice(2);
    return homes.some((spelling) => mentionsPath(command, `${spelling}/${relative}`));
  });
}

/** Whether text holds the path as a whole name (`~/.ssh` in `~/.ssh/id`, not in `~/.sshfoo`). */
function mentionsPath(text: string, target: string): boolean {
  for (let at = text.indexOf(target); at >= 0; at = text.indexOf(target, at + 1)) {
    const next = text[at + target.length];
    if (next === undefined || /[\s/'"`;|&)>]/.test(next)) return true;
  }
  return false;
}

let cached: { home: string; roots: string[] } | undefined;

function credentialRoots(home: string): string[] {
  if (cached?.home !== home) {
    const realHome = realPathOfNearest(path.resolve(home));
    // Both spellings of each: the home folder may itself be reached through a link.
    const roots = DEFAULT_HIDDEN_PATHS.flatMap((entry) => {
      const relative = entry.slice(2);
      return [path.join(home, relative), path.join(realHome, relative)];
    });
    cached = { home, roots: [...new Set(roots)] };
  }
  return cached.roots;
}

/** What a headless run tells the model when a read outside the project (or of a credential) was refused. */
export function readReachRefusal(description: string, reach: ReadReach, rule: string): string {
  const what = reach.credential
    ? "holds credentials (the sandbox hides it from commands too)"
    : "is outside the project";
  return `Not permitted: ${description} — ${reach.paths.join(", ")} ${what}, so reading it needs the user's approval, and this is a non-interactive run with no one to ask. The run goes on without it. To allow it, pass --allowed-tools ${quoteForShell(rule)} or add ${JSON.stringify(rule)} to permissions.allow in your own settings.`;
}
