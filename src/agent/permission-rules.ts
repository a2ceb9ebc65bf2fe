import path from "node:path";
import picomatch from "picomatch";
import type { PermissionSubject } from "../core/tool.ts";
import { isInside, isProtectedPath, realPathOfNearest } from "./permission-paths.ts";
import {
  outputRedirections,
  type Quote,
  type RedirectTarget,
  readQuoting,
  unwrapCommand,
} from "./shell-analysis.ts";

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
 *   Memory / Memory(glob)   the memory tool
 *   WebFetch(domain:x)      kept for a future web tool
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
export type RuleTarget =
  | { kind: "bash"; command?: CommandPattern }
  | { kind: "edit"; pattern?: string }
  | { kind: "read"; pattern?: string }
  | { kind: "memory"; pattern?: string }
  | { kind: "web-fetch"; domain?: string }
  | { kind: "mcp"; server: string; tool?: string }
  /** A tool name tacit does not know: kept so a typo never stops startup; matches a tool of that exact name. */
  | { kind: "other"; specifier?: string };

export type CommandPattern =
  | { type: "exact"; text: string }
  /** `text` then end or a space: `npm test` covers `npm test -- --watch`, not `npm testing`. */
  | { type: "prefix"; text: string }
  | { type: "wildcard"; regex: RegExp };

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
  return { type: "wildcard", regex: new RegExp(`^${source}$`) };
}

/**
 * Whether one rule applies to a subject, as deny and ask rules need it: for a
 * compound command, when it applies to ANY part (or to a `$(…)` inside); for
 * several paths, when it applies to any of them. Edit and read rules stay
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
      return denyCandidates(subject.command).some((part) => commandMatches(pattern, part));
    }
    case "edit":
    case "read":
      if (target.kind !== subject.kind) return false;
      return subject.paths.some((filePath) => pathMatches(target.pattern, filePath, context));
    case "memory":
      if (target.kind !== "memory") return false;
      return subject.paths.length === 0
        ? target.pattern === undefined
        : subject.paths.some((filePath) => pathMatches(target.pattern, filePath, context));
    case "none":
      return false;
  }
}

/**
 * Whether allow rules together cover a subject: every part of a compound
 * command must be allowed by some rule, and a command with `$(…)`, backticks
 * or `<(…)` is only allowed by a bare `Bash` or an exact rule (a prefix rule
 * cannot vouch for what the substitution runs); every path must be covered.
 * An edit rule also allows reading the same paths.
 */
export function rulesAllow(
  rules: PermissionRule[],
  subject: PermissionSubject,
  context: MatchContext,
): boolean {
  if (rules.some((rule) => matchesByToolName(rule, context))) return true;
  switch (subject.kind) {
    case "bash": {
      const bashRules = rules.filter((rule) => rule.target.kind === "bash");
      const commandPatterns = bashRules.map((rule) =>
        rule.target.kind === "bash" ? rule.target.command : undefined,
      );
      if (commandPatterns.some((pattern) => pattern === undefined)) return true;
      const command = subject.command.trim();
      if (commandPatterns.some((pattern) => pattern?.type === "exact" && pattern.text === command))
        return true;
      const split = splitCommand(command);
      if (split.hasSubstitution || split.parts.length === 0) return false;
      // After a `cd`, relative redirection targets point somewhere this reading cannot follow.
      const changesDirectory = split.parts.some((part) =>
        [part, ...unwrapCommand(part).stages].some((stage) => /^(?:cd|pushd|popd)(?:\s|$)/.test(stage)),
      );
      return split.parts.every((part) => {
        // A prefix or wildcard rule vouches for a command, not for where it writes: `npm test:*` must
        // not cover `npm test > ~/.bashrc`. Only an exact rule (written for that very text) covers that.
        const writesOnlyInside = outputRedirections(part).every((target) =>
          isHarmlessRedirection(target, context, changesDirectory),
        );
        return commandPatterns.some(
          (pattern) =>
            pattern !== undefined &&
            (writesOnlyInside || pattern.type === "exact") &&
            commandMatches(pattern, part),
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
          memoryRules.some((rule) => pathMatches(patternOf(rule), filePath, context)),
        )
      );
    }
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
 * Every piece a deny (or ask) rule should look at: the whole command, each
 * part, each part with its keywords, groupers, assignments and wrappers
 * peeled off (`then rm x`, `sudo -u root rm x`, `env A=1 xargs rm` all show
 * `rm …`), and the commands run from strings (`sh -c '…'`, `eval …`) or
 * substitutions. Allow rules do not get this peeling: `sudo npm test` or
 * `xargs npm test` run something other than `npm test`, and `FOO=1 npm test`
 * can change what runs, so such a part is allowed only by a rule written for
 * it as it stands (`Bash(sudo npm test:*)`), or else asks.
 */
function denyCandidates(command: string, depth = 0): string[] {
  const split = splitCommand(command);
  const candidates = [command.trim(), ...split.parts];
  // Bounded so a command nesting `sh -c` in itself cannot make matching slow.
  if (depth > 4) return candidates;
  for (const part of split.parts) {
    const unwrapped = unwrapCommand(part);
    candidates.push(...unwrapped.stages);
    for (const script of unwrapped.scripts) candidates.push(...denyCandidates(script, depth + 1));
  }
  for (const inner of split.substitutions) candidates.push(...denyCandidates(inner, depth + 1));
  return candidates;
}

const HARMLESS_TARGETS = new Set(["/dev/null", "/dev/stdout", "/dev/stderr"]);

/**
 * Whether a command's output redirection writes only inside the project (and
 * not to tacit's settings or a `.git` folder), or to /dev/null. A target the
 * shell would expand (`$HOME/x`, `*.txt`, `~user/x`) cannot be judged here,
 * so it counts as outside.
 */
function isHarmlessRedirection(
  target: RedirectTarget,
  context: MatchContext,
  changesDirectory: boolean,
): boolean {
  const given = target.path;
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

export interface SplitCommand {
  /** The simple commands, trimmed, with grouping `(`/`{` and `)`/`}` removed. */
  parts: string[];
  /** The text inside `$(…)`, `<(…)`, `>(…)` and backticks. */
  substitutions: string[];
  hasSubstitution: boolean;
}

/**
 * Splits a shell command on `&&`, `||`, `;`, `|`, `|&`, `&` and newlines
 * outside quotes, and finds command substitutions (which still run inside
 * double quotes). A rough reading of POSIX shell, enough to decide
 * permissions conservatively; redirections are read by outputRedirections.
 */
export function splitCommand(command: string): SplitCommand {
  const parts: string[] = [];
  const substitutions: string[] = [];
  let current = "";
  let quote: "'" | '"' | undefined;
  const push = () => {
    const part = current
      .trim()
      .replace(/^[({]\s*/, "")
      .replace(/\s*[)}]$/, "")
      .trim();
    if (part) parts.push(part);
    current = "";
  };
  for (let index = 0; index < command.length; index++) {
    const character = command[index]!;
    const next = command[index + 1];
    if (quote === "'") {
      current += character;
      if (character === "'") quote = undefined;
      continue;
    }
    if (character === "\\") {
      current += character + (next ?? "");
      index++;
      continue;
    }
    if ((character === "$" || character === "<" || character === ">") && next === "(") {
      const end = closingParen(command, index + 2);
      substitutions.push(command.slice(index + 2, end));
      current += command.slice(index, end + 1);
      index = end;
      continue;
    }
    if (character === "`") {
      const end = command.indexOf("`", index + 1);
      const stop = end < 0 ? command.length : end;
      substitutions.push(command.slice(index + 1, stop));
      current += command.slice(index, stop + 1);
      index = stop;
      continue;
    }
    if (quote === '"') {
      current += character;
      if (character === '"') quote = undefined;
      continue;
    }
    if (character === "'" || character === '"') {
      quote = character;
      current += character;
      continue;
    }
    if (character === ";" || character === "\n") {
      push();
      continue;
    }
    if (character === "|") {
      push();
      if (next === "|" || next === "&") index++;
      continue;
    }
    if (character === "&") {
      const previous = command[index - 1];
      if (next === "&") {
        push();
        index++;
        continue;
      }
      // `2>&1`, `&>file` and `>&2` are redirections, not separators.
      if (previous === ">" || previous === "<" || next === ">") {
        current += character;
        continue;
      }
      push();
      continue;
    }
    current += character;
  }
  push();
  return { parts, substitutions, hasSubstitution: substitutions.length > 0 };
}

/** The index of the `)` closing a `(` opened just before `start`, skipping quoted text; the end when unclosed. */
function closingParen(command: string, start: number): number {
  let depth = 1;
  let quote: Quote;
  for (let index = start; index < command.length; index++) {
    const step = readQuoting(command, index, quote);
    quote = step.quote;
    index = step.index;
    if (!step.plain) continue;
    const character = command[index]!;
    if (character === "(") depth++;
    else if (character === ")" && --depth === 0) return index;
  }
  return command.length;
}

/** Whether a path pattern (see the syntax at the top) covers an absolute path; no pattern covers every path. */
export function pathMatches(pattern: string | undefined, filePath: string, context: MatchContext): boolean {
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

function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]{}()!+@\\]/g, "\\$&");
}
