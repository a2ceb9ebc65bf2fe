import path from "node:path";
import type { PermissionMode } from "../config/settings-schema.ts";
import { errorMessage } from "../core/errors.ts";
import type { PermissionSubject, Tool, ToolContext } from "../core/tool.ts";
import { parseToolInput, resolveToolPath } from "../tools/define-tool.ts";
import { isInside, isProtectedPath, realPathOfNearest } from "./permission-paths.ts";
import {
  type MatchContext,
  type PermissionRule,
  parseRule,
  ruleMatches,
  rulesAllow,
} from "./permission-rules.ts";
import { loadShellParser } from "./shell/parser.ts";
import { quoteForShell, suggestShellRule, unresolvedAgainstRules } from "./shell/shell-rules.ts";

export type { PermissionMode } from "../config/settings-schema.ts";

export type PermissionDecision = { allowed: true } | { allowed: false; reason: string };

/** What the TUI shows when a call needs the user's say. */
export interface PermissionRequest {
  toolName: string;
  input: unknown;
  subject: PermissionSubject;
  /** One line: "Run `npm test`", "Edit src/a.ts". */
  description: string;
  /** The rule "allow always" would save, e.g. `Bash(npm test:*)`; empty when nothing is saved (a protected path). */
  suggestedRule: string;
  /**
   * Why it asks: the mode's default, an `ask` rule the user wrote, or a
   * protected path (tacit's settings, a `.git` folder), which asks every time.
   */
  cause: "mode" | "ask-rule" | "protected-path" | "unresolved-shell";
  signal: AbortSignal;
}

export interface PermissionAnswer {
  decision: "allow-once" | "allow-always" | "deny";
  /** Passed to the model when denying, so it can adjust. */
  reason?: string;
}

export interface PermissionRuleLists {
  allow: string[];
  deny: string[];
  ask: string[];
}

export interface PermissionGateOptions {
  mode: PermissionMode;
  rules: PermissionRuleLists;
  projectRoot: string;
  home: string;
  /** The interactive prompt; without it (headless), a call that needs asking is refused. */
  ask?(request: PermissionRequest): Promise<PermissionAnswer>;
  /** Saves an "allow always" rule to settings. */
  persistRule?(rule: string): void | Promise<void>;
  /**
   * sandbox.autoAllow: a shell command that will run in the OS sandbox needs
   * no question the mode would ask (it cannot reach outside). Deny and ask
   * rules and plan mode still apply; an escalated (unsandboxed) run is not covered.
   */
  autoAllowSandboxed?: boolean;
}

export interface PermissionGate {
  check(tool: Tool, input: unknown, context: ToolContext): Promise<PermissionDecision>;
  setMode(mode: PermissionMode): void;
  readonly mode: PermissionMode;
  /** Rules that look wrong (unknown tool names); kept, shown to the user once. */
  readonly warnings: string[];
  /**
   * Whether a Read deny rule covers this file: search tools (grep, glob, ls)
   * leave such files out of what they read and return (ToolContext.isReadDenied).
   */
  isReadDenied(absolutePath: string): boolean;
}

/** Shift+Tab order. Bypass is left out: it must be chosen explicitly (--permission-mode bypass, --yolo). */
export function cycleMode(mode: PermissionMode): PermissionMode {
  if (mode === "default") return "accept-edits";
  if (mode === "accept-edits") return "plan";
  return "default";
}

const PLAN_MODE_REFUSAL =
  "Not allowed in plan mode: only read-only tools may run. Keep investigating with read-only tools, then present your plan to the user and wait for them to approve it (they leave plan mode with Shift+Tab) before changing anything.";

/**
 * The gate the loop asks before every tool call. Order of precedence: deny
 * rules, then ask rules, then allow rules (and "allow always" answers of this
 * session), then the mode. Two things no mode overrides: plan mode refuses
 * every change, and an edit outside the project needs an allow rule naming its
 * real path. And only bypass skips the question before an edit of a protected
 * path (tacit's settings, a `.git` folder): no allow rule or accept-edits does.
 */
export function createPermissionGate(options: PermissionGateOptions): PermissionGate {
  let mode = options.mode;
  const parse = (texts: string[]) => texts.filter((text) => text.trim()).map(parseRule);
  const deny = parse(options.rules.deny);
  const askRules = parse(options.rules.ask);
  const allow = parse(options.rules.allow);
  const sessionAllow: PermissionRule[] = [];
  const warnings = [...deny, ...askRules, ...allow].flatMap((rule) => (rule.warning ? [rule.warning] : []));
  const projectRoot = path.resolve(options.projectRoot);
  const realProjectRoot = realPathOfNearest(projectRoot);

  const check = async (tool: Tool, input: unknown, context: ToolContext): Promise<PermissionDecision> => {
    // Judge exactly what the tool will run with: runTool normalises input the same way (a JSON
    // string becomes an object). When this fails, runTool fails with the same error and runs nothing.
    const parsed = parseToolInput(tool, input);
    if (!parsed.ok) return { allowed: true };
    let subject: PermissionSubject;
    try {
      subject = tool.permission(parsed.input, context);
    } catch (error) {
      return {
        allowed: false,
        reason: `Could not work out what ${tool.name} would touch: ${errorMessage(error)}`,
      };
    }
    if (subject.kind === "bash") {
      // The bash grammar loads on the first shell command, not at start-up.
      try {
        await loadShellParser();
      } catch (error) {
        return {
          allowed: false,
          reason: `The shell parser could not load (${errorMessage(error)}), so no shell command can be judged; the command did not run.`,
        };
      }
    }
    const matchContext: MatchContext = {
      projectRoot,
      home: options.home,
      toolName: tool.name,
      cwd: commandDirectory(parsed.input, context),
    };
    // Deny and ask rules also see where symlinks lead, so `Read(~/.ssh/**)` holds through a link to it.
    const matchedSubject = withRealPaths(subject, projectRoot);

    const denied = deny.find((rule) => ruleMatches(rule, matchedSubject, matchContext));
    if (denied) {
      return {
        allowed: false,
        reason: `Denied by the permission rule "${denied.text}". Do not retry this; find another way or ask the user.`,
      };
    }
    if (subject.kind === "none") return { allowed: true };
    const unresolved = unresolvedAgainstRules(subject, [...deny, ...askRules], [...allow, ...sessionAllow]);
    if (unresolved && mode !== "plan") {
      // Not provably outside every deny rule: no mode, not even bypass, runs it without the user.
      return askUser(tool, parsed.input, subject, context, undefined, [], unresolved);
    }

    // Decided by what the call touches, not the tool's flag: a shell command is never read-only here.
    const isReadOnlyCall = subject.kind === "read" || (subject.kind === "memory" && !subject.mutating);
    if (mode === "plan" && !isReadOnlyCall) return { allowed: false, reason: PLAN_MODE_REFUSAL };

    let protectedPaths: string[] = [];
    if (subject.kind === "edit") {
      // Allow rules for a path outside are matched against where it really is, so `Edit(src/**)`
      // does not cover src/link-to-etc/passwd.
      const outside = subject.paths
        .map((filePath) => realPathOfNearest(path.resolve(projectRoot, filePath)))
        .filter((realPath) => !isInside(realPath, realProjectRoot));
      const outsideSubject: PermissionSubject = { kind: "edit", paths: outside };
      if (outside.length > 0 && !rulesAllow([...allow, ...sessionAllow], outsideSubject, matchContext)) {
        const rule = suggestRule(outsideSubject, projectRoot, options.home);
        return {
          allowed: false,
          reason: `Not permitted: ${outside.join(", ")} is outside the project (${projectRoot}). Writing outside the project needs an explicit allow rule in every mode, e.g. add "${rule}" to permissions.allow in settings or pass --allowed-tools '${rule}'.`,
        };
      }
      protectedPaths = subject.paths.filter((filePath) =>
        isProtectedPath(path.resolve(projectRoot, filePath)),
      );
    }

    const askedByRule = askRules.find((rule) => ruleMatches(rule, matchedSubject, matchContext));
    if (protectedPaths.length > 0 && mode !== "bypass") {
      // Settings and .git change what the agent may do next (rules, hooks), so neither accept-edits nor
      // an allow rule covers them: the user approves each time.
      return askUser(tool, parsed.input, subject, context, askedByRule, protectedPaths);
    }
    const allowedThisSession = rulesAllow(sessionAllow, subject, matchContext);
    if (!askedByRule || allowedThisSession) {
      if (allowedThisSession || rulesAllow(allow, subject, matchContext)) return { allowed: true };
      if (!needsAskingInMode(mode, subject, isReadOnlyCall)) return { allowed: true };
      if (options.autoAllowSandboxed && subject.kind === "bash" && subject.sandbox === "inside")
        return { allowed: true };
    }

    return askUser(tool, parsed.input, subject, context, askedByRule, []);
  };

  const askUser = async (
    tool: Tool,
    input: unknown,
    subject: PermissionSubject,
    context: ToolContext,
    askedByRule: PermissionRule | undefined,
    protectedPaths: string[],
    unresolved?: string,
  ): Promise<PermissionDecision> => {
    const isProtected = protectedPaths.length > 0;
    // No rule for a protected path: a saved one would not be honoured, and it must not look as if it were.
    const suggestedRule = isProtected ? "" : suggestRule(subject, projectRoot, options.home);
    const description = describe(tool.name, subject, projectRoot);
    if (!options.ask) {
      return {
        allowed: false,
        reason: isProtected
          ? `Not permitted: ${description} — ${protectedPaths.join(", ")} holds tacit's settings or git's internals, so a change there needs the user's approval every time, and this is a non-interactive run with no one to ask. The run goes on without it. Only --permission-mode bypass lets it through.`
          : headlessRefusal(description, subject, suggestedRule, askedByRule, unresolved),
      };
    }

    let answer: PermissionAnswer;
    try {
      answer = await options.ask({
        toolName: tool.name,
        input,
        subject,
        description,
        suggestedRule,
        cause: isProtected
          ? "protected-path"
          : askedByRule
            ? "ask-rule"
            : unresolved
              ? "unresolved-shell"
              : "mode",
        signal: context.signal,
      });
    } catch (error) {
      return {
        allowed: false,
        reason: `The permission prompt failed (${errorMessage(error)}); the call did not run.`,
      };
    }
    if (answer.decision === "deny") {
      const because = answer.reason?.trim() ? ` Their reason: ${answer.reason.trim()}` : "";
      return { allowed: false, reason: `The user denied this call (${description}).${because}` };
    }
    if (answer.decision === "allow-always" && !isProtected) {
      sessionAllow.push(parseRule(suggestedRule));
      try {
        await options.persistRule?.(suggestedRule);
      } catch {
        // Saving failed (e.g. unwritable settings); the approval still holds for this session.
      }
    }
    return { allowed: true };
  };

  return {
    check,
    setMode(next: PermissionMode) {
      mode = next;
    },
    get mode() {
      return mode;
    },
    warnings,
    isReadDenied(absolutePath: string): boolean {
      // Called for every file a search walks: nothing to do without deny rules.
      if (deny.length === 0) return false;
      const subject = withRealPaths({ kind: "read", paths: [absolutePath] }, projectRoot);
      const matchContext: MatchContext = { projectRoot, home: options.home, cwd: projectRoot };
      return deny.some((rule) => ruleMatches(rule, subject, matchContext));
    },
  };
}

function needsAskingInMode(
  mode: PermissionMode,
  subject: PermissionSubject,
  isReadOnlyCall: boolean,
): boolean {
  if (isReadOnlyCall || mode === "bypass") return false;
  // The memory tool writes the agent's own versioned store (undo exists); asking each time would defeat it.
  if (subject.kind === "memory") return false;
  if (subject.kind === "edit") return mode !== "accept-edits";
  return true;
}

function headlessRefusal(
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
      : "this needs the user's approval";
  const modeHint = subject.kind === "edit" ? ", or run with --permission-mode accept-edits" : "";
  // Quoted for a shell and for JSON, so either can be pasted as it is (the rule may hold ' or ").
  return `Not permitted: ${description} — ${why}, and this is a non-interactive run with no one to ask. The run goes on without it. To allow it, pass --allowed-tools ${quoteForShell(suggestedRule)} or add ${JSON.stringify(suggestedRule)} to permissions.allow in settings${modeHint}.`;
}

function describe(toolName: string, subject: PermissionSubject, projectRoot: string): string {
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
      const directory = path.dirname(first);
      const relative = path.relative(projectRoot, directory);
      if (relative.startsWith("..") || path.isAbsolute(relative)) {
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
      return "Memory";
    case "none":
      return "";
  }
}

/** Edit and read subjects with each path's real path added (when it differs), for deny and ask matching. */
function withRealPaths(subject: PermissionSubject, projectRoot: string): PermissionSubject {
  if (subject.kind !== "edit" && subject.kind !== "read") return subject;
  const paths = subject.paths.flatMap((filePath) => {
    const resolved = path.resolve(projectRoot, filePath);
    const real = realPathOfNearest(resolved);
    return real === resolved ? [filePath] : [filePath, real];
  });
  return { ...subject, paths };
}

/**
 * Where a shell command runs, for its relative redirection targets: the
 * shell tools' own working-directory argument (Codex's `workdir`, Gemini's
 * `directory`) when given, else the session's cwd.
 */
function commandDirectory(input: unknown, context: ToolContext): string {
  if (typeof input === "object" && input !== null) {
    const record = input as Record<string, unknown>;
    const given = typeof record.workdir === "string" ? record.workdir : record.directory;
    if (typeof given === "string" && given.trim()) return resolveToolPath(context, given);
  }
  return context.cwd;
}
