import { statSync } from "node:fs";
import path from "node:path";
import type { PermissionSubject } from "../core/tool.ts";
import { touchesUserMemory, USER_MEMORY_RULE } from "./memory-rules.ts";
import type { PermissionRule } from "./permission-rules.ts";
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
  // Quoted for a shell and for JSON, so either can be pasted as it is (the rule may hold ' or ").
  return `Not permitted: ${description} — ${why}, and this is a non-interactive run with no one to ask. The run goes on without it. To allow it, pass --allowed-tools ${quoteForShell(suggestedRule)} or add ${JSON.stringify(suggestedRule)} to permissions.allow in settings${modeHint}.`;
}

export function describe(toolName: string, subject: PermissionSubject, projectRoot: string): string {
  const shown = (filePath: string) => {
    const relative = path.relative(projectRoot, path.resolve(projectRoot, filePath));
    return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : filePath;
  };
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
          return directory === home ? `${tool}(~/${path.basename(first)})` : `${tool}(/${first})`;
        const homeRelative = path.relative(home, directory);
        if (!homeRelative.startsWith("..") && !path.isAbsolute(homeRelative)) {
          return `${tool}(~/${homeRelative ? `${homeRelative}/` : ""}**)`;
        }
        return `${tool}(/${directory}/**)`;
      }
      if (!relative) return `${tool}(/${path.basename(first)})`;
      return `${tool}(/${relative.split(path.sep).join("/")}/**)`;
    }
    case "memory":
      return touchesUserMemory(subject) ? USER_MEMORY_RULE : "Memory";
    case "mcp":
      return `mcp__${subject.server}__${subject.tool}`;
    case "fetch":
      return `WebFetch(domain:${subject.domain})`;
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
