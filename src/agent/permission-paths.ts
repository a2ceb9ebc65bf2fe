import path from "node:path";
import { isInside, resolveThroughLinks } from "../config/real-path.ts";
import type { PermissionSubject, ToolContext } from "../core/tool.ts";
import { resolveToolPath } from "../tools/define-tool.ts";

export { isInside };

/**
 * The real path of a file that may not exist yet: existing parts resolved
 * through symlinks, and a dangling link followed to where it points — where a
 * write would really land. So a symlink inside the project pointing elsewhere
 * does not count as inside, even when its target does not exist yet.
 */
export function realPathOfNearest(filePath: string): string {
  try {
    return resolveThroughLinks(filePath);
  } catch {
    return filePath; // a link loop: the write fails too; judge the path as given
  }
}

/**
 * Paths whose change would widen the agent's own powers, so writing them
 * always asks (only bypass, chosen explicitly, skips that): tacit's settings
 * files (`.tacit/settings.json`, `.tacit/settings.local.json`, any
 * `.tacit/settings*.json`) and anything in a `.git` folder (hooks and config
 * run code on the next git command). Judged on both the path as given and its
 * real path, by name segments, case-insensitively (macOS and Windows file
 * systems fold case, so `.GIT/hooks` is `.git/hooks` there).
 */
export function isProtectedPath(filePath: string, realOf = realPathOfNearest): boolean {
  const absolute = path.resolve(filePath);
  return [absolute, realOf(absolute)].some(hasProtectedSegments);
}

/**
 * One call's resolution of its paths: each path resolved through its links
 * once, kept in realPaths (ToolContext.checkedPaths), which the file tools
 * then open exactly.
 */
export function resolverForOneCall(realPaths: Map<string, string>): (absolutePath: string) => string {
  return (absolutePath) => {
    const known = realPaths.get(absolutePath);
    if (known !== undefined) return known;
    const real = realPathOfNearest(absolutePath);
    realPaths.set(absolutePath, real);
    return real;
  };
}

/**
 * Edit and read subjects with each path's real path added (when it differs), for deny and ask
 * matching; realOf is the gate's one resolution of each path for the call.
 */
export function withRealPaths(
  subject: PermissionSubject,
  projectRoot: string,
  realOf: (absolutePath: string) => string,
): PermissionSubject {
  if (subject.kind !== "edit" && subject.kind !== "read") return subject;
  const paths = subject.paths.flatMap((filePath) => {
    const resolved = path.resolve(projectRoot, filePath);
    const real = realOf(resolved);
    return real === resolved ? [filePath] : [filePath, real];
  });
  return { ...subject, paths };
}

function hasProtectedSegments(filePath: string): boolean {
  const segments = filePath.toLowerCase().split(/[\\/]+/);
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    if (segment === ".git") return true;
    const next = segments[index + 1];
    if (segment === ".tacit" && next !== undefined && /^settings.*\.json$/.test(next)) return true;
  }
  return false;
}

/**
 * Where a shell command runs, for its relative redirection targets: the
 * shell tools' own working-directory argument (Codex's `workdir`, Gemini's
 * `directory`) when given, else the session's cwd.
 */
export function commandDirectory(input: unknown, context: ToolContext): string {
  if (typeof input === "object" && input !== null) {
    const record = input as Record<string, unknown>;
    const given = typeof record.workdir === "string" ? record.workdir : record.directory;
    if (typeof given === "string" && given.trim()) return resolveToolPath(context, given);
  }
  return context.cwd;
}
