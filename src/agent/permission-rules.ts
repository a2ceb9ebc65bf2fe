import path from "node:path";
import picomatch from "picomatch";
import type { PermissionSubject } from "../core/tool.ts";
import { isMemoryToolPath, memoryPatternMatches } from "./memory-rules.ts";
import { isInside, isProtectedPath, realPathOfNearest } from "./permission-paths.ts";
import { analyzeShell, type CommandForm } from "./shell/analysis.ts";
import { fetchRuleCovers, fetchRuleMatches } from "./web-fetch-rules.ts";

/**
 * Claude Code's permission rule syntax, so settings written for Claude Code
 * work here unchanged: `Tool` or `Tool(specifier)`.
 *
 *   Bash                    every shell command
 *   Bash(npm test)          exactly that command
 *   Bash(npm test:*)        that command and anything after a word boundary
 *   Bash(git *)             same as `git:*`; a `*` elsewhere matches any text
 *   Edit(src/**)            file edits (Write, MultiEdit, NotebookEdit mean the same)
 *   Read(~/.ssh/**)         file reads (Grep, Glob, LS mean the same)
 *   Memory / Memory(glob)   the memory tool (`Memory(/memories/user/**)`: memory-rules.ts)
 *   WebFetch                every web fetch (a private or loopback host still needs its own rule)
 *   WebFetch(domain:x)      fetches from host x; `domain:*.x` covers x's subdomains (web-fetch-rules.ts)
 *   mcp__server[__tool]     kept for MCP tools (matched by tool name)
 *
 * Path patterns are gitignore-style globs (picomatch, dotfiles included):
 *   //abs/path/**   an absolute filesystem path
 *   ~/x/**          under the home directory
 *   /x/**           relative to the project root (Claude Code: the settings file's root)
 *   x/** or ./x/**  relative to the project root (any pattern holding a slash)
 *   .env, *.pem     no slash: matches that name at any depth, anywhere (like gitignore)
 * A pattern also covers everything below a directory it names (`Read(~/.ssh)`).
 */
type RuleTarget =
  | { kind: "bash"; command?: CommandPattern }
  | { kind: "edit"; pattern?: string }
  | { kind: "read"; pattern?: string }
  | { kind: "memory"; pattern?: string }
  | { kind: "web-fetch"; domain?: string }
  | { kind: "mcp"; server: string; tool?: string }
  /** A tool name tacit does not know: kept so a typo never stops startup; matches a tool of that exact name. */
  | { kind: "other"; specifier?: string };

type CommandPattern =
  | { type: "exact"; text: string }
  /** `text` then end or a space: `npm test` covers `npm test -- --watch`, not `npm testing`. */
  | { type: "prefix"; text: string }
  /** `literal` is the text before the first `*`: what the rule pins down for sure. */
  | { type: "wildcard"; regex: RegExp; literal: string };

export interface PermissionRule {
  /** The rule as written, for messages and persisting. */
  text: string;
  tool: string;
  specifier?: string;
  target: RuleTarget;
  /** Set when the rule looks wrong (unknown tool, unbalanced parentheses); the rule is kept anyway. */
  warning?: string;
}

export interface MatchContext {
  projectRoot: string;
  home: string;
  /** The called tool's own name, for rules naming a tool directly (mcp__…, unknown names). */
  toolName?: string;
  /** Where a shell command runs, for its relative redirection targets; the project root when absent. */
  cwd?: string;
}

const EDIT_TOOLS = new Set(["Edit", "Write", "MultiEdit", "NotebookEdit"]);
const READ_TOOLS = new Set(["Read", "Grep", "Glob", "LS"]);

export function parseRule(text: string): PermissionRule {
  const trimmed = text.trim();
  const open = trimmed.indexOf("(");
  let tool = trimmed;
  let specifier: string | undefined;
  let warning: string | undefined;
  if (open >= 0) {
    tool = trimmed.slice(0, open).trim();
    if (trimmed.endsWith(")")) {
      specifier = trimmed.slice(open + 1, -1).trim() || undefined;
    } else {
      warning = `permission rule "${trimmed}" has no closing ")"; it only matches a tool named "${trimmed}"`;
      return { text: trimmed, tool: trimmed, target: { kind: "other" }, warning };
    }
  }
  const rule = (target: RuleTarget): PermissionRule => ({
    text: trimmed,
    tool,
    ...(specifier !== undefined ? { specifier } : {}),
    target,
    ...(warning ? { warning } : {}),
  });

  if (tool === "Bash")
    return rule({ kind: "bash", ...(specifier ? { command: parseCommandPattern(specifier) } : {}) });
  if (EDIT_TOOLS.has(tool)) return rule({ kind: "edit", ...(specifier ? { pattern: specifier } : {}) });
  if (READ_TOOLS.has(tool)) return rule({ kind: "read", ...(specifier ? { pattern: specifier } : {}) });
  if (tool === "Memory") return rule({ kind: "memory", ...(specifier ? { pattern: specifier } : {}) });
  if (tool === "WebFetch") {
    const domain = specifier?.startsWith("domain:") ? specifier.slice("domain:".length).trim() : undefined;
    return rule({ kind: "web-fetch", ...(domain ? { domain } : {}) });
  }
  if (tool.startsWith("mcp__")) {
    const [server = "", ...rest] = tool.slice("mcp__".length).split("__");
    const mcpTool = rest.join("__");
    return rule({ kind: "mcp", server, ...(mcpTool && mcpTool !== "*" ? { tool: mcpTool } : {}) });
  }
  warning = `unknown tool "${tool}" in permission rule "${trimmed}"; kept, it only matches a tool of that exact name`;
  return rule({ kind: "other", ...(specifier ? { specifier } : {}) });
}

function parseCommandPattern(specifier: string): CommandPattern {
  if (specifier.endsWith(":*")) return { type: "prefix", text: specifier.slice(0, -2).trimEnd() };
  const starAt = specifier.indexOf("*");
  if (starAt < 0) return { type: "exact", text: specifier };
  if (starAt === specifier.length - 1 && specifier.endsWith(" *")) {
    return { type: "prefix", text: specifier.slice(0, -2).trimEnd() };
  }
  const source = specifier
    .split("*")
    .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*");
  return { type: "wildcard", regex: new RegExp(`^${source}$`), literal: specifier.slice(0, starAt) };
}

/**
 * Whether one rule applies to a subject, as deny and ask rules need it: for a
 * shell command, when it applies to ANY command the bash parse finds, however
 * deep (substitutions, functions, loop and case bodies, `sh -c '…'`, `eval`,
 * and what wrappers such as `sudo`, `env`, `xargs`, `find -exec` run); for
 * several paths, when it applies to any of them. What the parse cannot
 * resolve is reported by analyzeShell, and the gate asks about it. Edit and read rules stay
 * apart here, so `deny: Edit(x)` never blocks reading x.
 */
export function ruleMatches(
  rule: PermissionRule,
  subject: PermissionSubject,
  context: MatchContext,
): boolean {
  if (matchesByToolName(rule, context)) return true;
  const target = rule.target;
  switch (subject.kind) {
    case "bash": {
      if (target.kind !== "bash") return false;
      if (!target.command) return true;
      const pattern = target.command;
      return analyzeShell(subject.command).denyTexts.some((text) => commandMatches(pattern, text));
    }
    case "edit":
    case "read":
      if (target.kind !== subject.kind) return false;
      return subject.paths.some((filePath) => pathMatches(target.pattern, filePath, context));
    case "memory":
      if (target.kind !== "memory") return false;
      return subject.paths.length === 0
        ? target.pattern === undefined
        : subject.paths.some((filePath) => memoryPathMatches(target.pattern, filePath, context));
    case "fetch":
      return target.kind === "web-fetch" && fetchRuleMatches(target.domain, subject);
    // MCP rules name the tool (`mcp__server__tool`): matched by name above.
    case "mcp":
    case "none":
      return false;
  }
}

/**
 * Whether allow rules together cover a subject. For a shell command: a bare
 * `Bash` rule, an exact rule written for the whole text, or else the bash
 * parse must be complete and plain (commands joined by `;`, `&&`, `|` …,
 * every word literal, no assignments, substitutions or control flow) and
 * every command covered by some rule. A command that runs another (`sudo
 * x`, `find -exec x`, `sh -c '…'`) is covered only by a rule that names
 * what it runs. Every path must be covered. An edit rule also allows
 * reading the same paths. The parser must be loaded (loadShellParser).
 */
export function rulesAllow(
  rules: PermissionRule[],
  subject: PermissionSubject,
  context: MatchContext,
): boolean {
  if (rules.some((rule) => matchesByToolName(rule, context))) return true;
  switch (subject.kind) {
    case "bash": {
      const commandPatterns = rules.flatMap((rule) =>
        rule.target.kind === "bash" ? [rule.target.command] : [],
      );
      if (commandPatterns.some((pattern) => pattern === undefined)) return true;
      const patterns = commandPatterns.filter((pattern) => pattern !== undefined);
      const command = subject.command.trim();
      if (patterns.some((pattern) => pattern.type === "exact" && pattern.text === command)) return true;
      const analysis = analyzeShell(subject.command);
      if (analysis.notPlain.length > 0 || analysis.commands.length === 0) return false;
      return analysis.commands.every((part) => {
        // A prefix or wildcard rule vouches for a command, not for where it writes: `npm test:*` must
        // not cover `npm test > ~/.bashrc` or `git diff --output=~/.bashrc`. Only an exact rule does.
        const writesOnlyInside = part.writes.every((target) =>
          isHarmlessWrite(target, context, analysis.changesDirectory),
        );
        return patterns.some(
          (pattern) =>
            (writesOnlyInside || pattern.type === "exact") &&
            part.forms.some((form) => coversForm(pattern, form, part.pinnedWords)),
        );
      });
    }
    case "edit":
    case "read": {
      const kinds = subject.kind === "edit" ? ["edit"] : ["edit", "read"];
      const pathRules = rules.filter((rule) => kinds.includes(rule.target.kind));
      return (
        subject.paths.length > 0 &&
        subject.paths.every((filePath) =>
          pathRules.some((rule) => pathMatches(patternOf(rule), filePath, context)),
        )
      );
    }
    case "memory": {
      const memoryRules = rules.filter((rule) => rule.target.kind === "memory");
      if (memoryRules.some((rule) => patternOf(rule) === undefined)) return true;
      return (
        subject.paths.length > 0 &&
        subject.paths.every((filePath) =>
          memoryRules.some((rule) => memoryPathMatches(patternOf(rule), filePath, context)),
        )
      );
    }
    case "fetch":
      return rules.some(
        (rule) => rule.target.kind === "web-fetch" && fetchRuleCovers(rule.target.domain, subject),
      );
    case "mcp":
    case "none":
      return false;
  }
}

function patternOf(rule: PermissionRule): string | undefined {
  const target = rule.target;
  return target.kind === "edit" || target.kind === "read" || target.kind === "memory"
    ? target.pattern
    : undefined;
}

function matchesByToolName(rule: PermissionRule, context: MatchContext): boolean {
  const toolName = context.toolName;
  if (!toolName) return false;
  const target = rule.target;
  if (target.kind === "mcp") {
    const prefix = `mcp__${target.server}__`;
    return target.tool ? toolName === `${prefix}${target.tool}` : toolName.startsWith(prefix);
  }
  return target.kind === "other" && target.specifier === undefined && rule.tool === toolName;
}

function commandMatches(pattern: CommandPattern, command: string): boolean {
  switch (pattern.type) {
    case "exact":
      return command === pattern.text;
    case "prefix":
      return command === pattern.text || command.startsWith(`${pattern.text} `);
    case "wildcard":
      return pattern.regex.test(command);
  }
}

/**
 * Whether a rule covers one command form, and pins down what it runs:
 * `Bash(sudo npm test:*)` covers `sudo npm test -- a`, but `Bash(sudo:*)`
 * does not cover `sudo rm x`, nor `Bash(find:*)` `find . -exec rm {} ;`.
 */
function coversForm(pattern: CommandPattern, form: CommandForm, pinnedWords: number): boolean {
  if (!commandMatches(pattern, form.text)) return false;
  if (pinnedWords === 0 || pattern.type === "exact") return true;
  if (!Number.isFinite(pinnedWords)) return false;
  const pinnedLength = pattern.type === "prefix" ? pattern.text.length : pattern.literal.length;
  return pinnedLength >= (form.wordEnds[pinnedWords - 1] ?? Number.POSITIVE_INFINITY);
}

const HARMLESS_TARGETS = new Set(["/dev/null", "/dev/stdout", "/dev/stderr", "-"]);

/**
 * Whether a file a command writes (by redirection or an output option) is
 * inside the project (and not tacit's settings or a `.git` folder), or
 * /dev/null or stdout. A target the shell would expand (`$HOME/x`, `*.txt`,
 * `~user/x`) cannot be judged here, so it counts as outside.
 */
export function isHarmlessWrite(
  given: string | undefined,
  context: MatchContext,
  changesDirectory: boolean,
): boolean {
  if (given === undefined || given === "") return false;
  if (HARMLESS_TARGETS.has(given)) return true;
  let expanded = given;
  if (given === "~" || given.startsWith("~/")) expanded = path.join(context.home, given.slice(1));
  else if (given.startsWith("~")) return false;
  if (!path.isAbsolute(expanded) && changesDirectory) return false;
  const absolute = path.resolve(context.cwd ?? context.projectRoot, expanded);
  const real = realPathOfNearest(absolute);
  return isInside(real, realPathOfNearest(path.resolve(context.projectRoot))) && !isProtectedPath(absolute);
}

/** A memory tool path (`/memories/…`) is matched as one; any other path as a file path. */
function memoryPathMatches(pattern: string | undefined, filePath: string, context: MatchContext): boolean {
  if (pattern === undefined) return true;
  return isMemoryToolPath(filePath)
    ? memoryPatternMatches(pattern, filePath)
    : pathMatches(pattern, filePath, context);
}

/** Whether a path pattern (see the syntax at the top) covers an absolute path; no pattern covers every path. */
function pathMatches(pattern: string | undefined, filePath: string, context: MatchContext): boolean {
  if (pattern === undefined) return true;
  const absolute = path.resolve(context.projectRoot, filePath);
  const glob = absolutePattern(pattern, context);
  const matcher = picomatch([glob, `${glob.replace(/\/+$/, "")}/**`], { dot: true });
  return matcher(absolute);
}

/** Turns a rule's path pattern into a glob over absolute paths. */
export function absolutePattern(pattern: string, context: MatchContext): string {
  if (pattern.startsWith("//")) return pattern.slice(1);
  if (pattern === "~") return escapeGlob(context.home);
  if (pattern.startsWith("~/")) return `${escapeGlob(context.home)}/${pattern.slice(2)}`;
  if (pattern.startsWith("/")) return `${escapeGlob(context.projectRoot)}${pattern}`;
  if (pattern.startsWith("./")) return `${escapeGlob(context.projectRoot)}/${pattern.slice(2)}`;
  if (!pattern.replace(/\/+$/, "").includes("/")) return `**/${pattern}`;
  return `${escapeGlob(context.projectRoot)}/${pattern}`;
}

/**
 * A literal path as a pattern matching only itself: each glob character, and "|" (which picomatch
 * reads as "or"), behind a backslash, which the matcher reads as that character. "Allow always"
 * builds its rules from file names the model chose, so a file named `*` or `**` must not become a
 * rule for every file, nor `.zshrc|x` one for `.zshrc`.
 */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]{}()!+@|\\]/g, "\\$&");
}
