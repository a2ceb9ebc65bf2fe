import { statSync } from "node:fs";
import path from "node:path";
import { isInside } from "../config/real-path.ts";
import type { PermissionSubject } from "../core/tool.ts";
import { touchesUserMemory, USER_MEMORY_RULE } from "./memory-rules.ts";
import { realPathOfNearest, resolverForOneCall } from "./permission-paths.ts";
import { escapeGlob, type PermissionRule } from "./permission-rules.ts";
import { quoteForShell, suggestShellRule } from "./shell/shell-rules.ts";

// What the permission gate says: how a call is described in a prompt, why a
// headless run refused it, and the rule that would allow it next time.

export function headlessRefusal(
  description: string,
  subject: PermissionSubject,
  suggestedRule: string,
  askedByRule: PermissionRule | undefined,
  unresolved?: string,
): string {
  const why = askedByRule
    ? `the permission rule "${askedByRule.text}" requires asking the user`
    : unresolved
      ? `${unresolved}, so it cannot be checked against the deny rules and needs the user's approval`
      : touchesUserMemory(subject)
        ? "a user-scope memory is read in every project, so writing one needs the user's approval"
        : "this needs the user's approval";
  const modeHint = subject.kind === "edit" ? ", or run with --permission-mode accept-edits" : "";
  if (suggestedRule === "")
    return `Not permitted: ${description} — ${why}, and this is a non-interactive run with no one to ask. The run goes on without it. No allow rule can name exactly this call (it holds a \`*\`, which a rule reads as a wildcard).`;
  // Quoted for a shell and for JSON, so either can be pasted as it is (the rule may hold ' or ").
  return `Not permitted: ${description} — ${why}, and this is a non-interactive run with no one to ask. The run goes on without it. To allow it, pass --allowed-tools ${quoteForShell(suggestedRule)} or add ${JSON.stringify(suggestedRule)} to permissions.allow in settings${modeHint}.`;
}

export function describe(
  toolName: string,
  subject: PermissionSubject,
  projectRoot: string,
  /** The call's paths as the gate resolved them (ToolContext.checkedPaths); others are resolved here. */
  checkedPaths: Map<string, string> = new Map(),
): string {
  const realOf = resolverForOneCall(checkedPaths);
  const shown = (filePath: string) => shownPath(filePath, projectRoot, realOf);
  switch (subject.kind) {
    case "bash":
      if (subject.sandbox === "escalated") {
        const because = subject.escalationReason?.trim()
          ? ` (reason: ${subject.escalationReason.trim()})`
          : "";
        return `run \`${subject.command}\` OUTSIDE the sandbox${because}`;
      }
      return `run \`${subject.command}\``;
    case "edit":
      return `edit ${subject.paths.map(shown).join(", ")}`;
    case "read":
      return `read ${subject.paths.map(shown).join(", ")}`;
    case "memory":
      return `${subject.mutating ? "change" : "read"} memory${subject.paths.length ? ` ${subject.paths.join(", ")}` : ""}`;
    case "mcp":
      return `use ${subject.tool} of the MCP server "${subject.server}" (${toolName})`;
    case "fetch":
      return `fetch ${subject.url}`;
    case "none":
      return `use ${toolName}`;
  }
}

/**
 * A path as the user is asked about it: relative inside the project, and with the real path the
 * gate judged first when the model's text leads elsewhere (/proc/self/cwd/x, a link), so the
 * question names the file that is really touched.
 */
function shownPath(filePath: string, projectRoot: string, realOf: (absolutePath: string) => string): string {
  const absolute = path.resolve(projectRoot, filePath);
  const given = insideRelative(absolute, projectRoot) ?? filePath;
  const real = realOf(absolute);
  const realShown = insideRelative(real, realPathOfNearest(projectRoot)) ?? real;
  return realShown === given ? given : `${realShown} (given as ${filePath})`;
}

function insideRelative(absolute: string, root: string): string | undefined {
  return absolute !== root && isInside(absolute, root) ? path.relative(root, absolute) : undefined;
}

/** The rule "allow always" saves: narrow enough to be safe, broad enough to stop the next prompt. */
export function suggestRule(subject: PermissionSubject, projectRoot: string, home: string): string {
  switch (subject.kind) {
    case "bash":
      return suggestShellRule(subject.command, { projectRoot, home });
    case "edit":
    case "read": {
      const tool = subject.kind === "edit" ? "Edit" : "Read";
      const first = path.resolve(projectRoot, subject.paths[0] ?? ".");
      // A search or listing names a folder: the rule is for that folder, not its parent.
      const directory = subject.kind === "read" && isDirectory(first) ? first : path.dirname(first);
      const relative = path.relative(projectRoot, directory);
      if (relative.startsWith("..") || path.isAbsolute(relative)) {
        // A file right in the home folder or the root is named alone: `Read(~/**)` would open ~/.ssh too.
        if (directory !== first && (directory === home || directory === path.parse(directory).root))
          return directory === home
            ? `${tool}(~/${escapeGlob(path.basename(first))})`
            : `${tool}(/${escapeGlob(first)})`;
        const homeRelative = path.relative(home, directory);
        if (!homeRelative.startsWith("..") && !path.isAbsolute(homeRelative)) {
          return `${tool}(~/${homeRelative ? `${escapeGlob(homeRelative)}/` : ""}**)`;
        }
        return `${tool}(/${escapeGlob(directory)}/**)`;
      }
      if (!relative) return `${tool}(/${escapeGlob(path.basename(first))})`;
      return `${tool}(/${escapeGlob(relative.split(path.sep).join("/"))}/**)`;
    }
    case "memory":
      return touchesUserMemory(subject) ? USER_MEMORY_RULE : "Memory";
    case "mcp":
      return `mcp__${subject.server}__${subject.tool}`;
    case "fetch":
      // A host spelled with `*` (URLs allow it) would save a wildcard: `*.com` is every .com site.
      return subject.domain.includes("*") ? "" : `WebFetch(domain:${subject.domain})`;
    case "none":
      return "";
  }
}

function isDirectory(filePath: string): boolean {
  try {
    return statSync(filePath).isDirectory();
  } catch {
    return false;
  }
}
