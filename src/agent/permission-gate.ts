import { realpathSync } from "node:fs";
import path from "node:path";
import type { PermissionMode } from "../config/settings-schema.ts";
import { errorMessage } from "../core/errors.ts";
import type { PermissionSubject, Tool, ToolContext } from "../core/tool.ts";
import {
  type MatchContext,
  type PermissionRule,
  parseRule,
  ruleMatches,
  rulesAllow,
} from "./permission-rules.ts";

export type { PermissionMode } from "../config/settings-schema.ts";

export type PermissionDecision = { allowed: true } | { allowed: false; reason: string };

/** What the TUI shows when a call needs the user's say. */
export interface PermissionRequest {
  toolName: string;
  input: unknown;
  subject: PermissionSubject;
  /** One line: "Run `npm test`", "Edit src/a.ts". */
  description: string;
  /** The rule "allow always" would save, e.g. `Bash(npm test:*)`. */
  suggestedRule: string;
  /** Why it asks: the mode's default, or an `ask` rule the user wrote. */
  cause: "mode" | "ask-rule";
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
}

export interface PermissionGate {
  check(tool: Tool, input: unknown, context: ToolContext): Promise<PermissionDecision>;
  setMode(mode: PermissionMode): void;
  readonly mode: PermissionMode;
  /** Rules that look wrong (unknown tool names); kept, shown to the user once. */
  readonly warnings: string[];
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
 * every change, and an edit outside the project needs an allow rule naming it.
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
    // The tool validates its own input before running, so an invalid call cannot do anything;
    // parsing here only gives permission() the defaults it expects.
    const parsed = tool.inputSchema.safeParse(input);
    if (!parsed.success) return { allowed: true };
    let subject: PermissionSubject;
    try {
      subject = tool.permission(parsed.data, context);
    } catch (error) {
      return {
        allowed: false,
        reason: `Could not work out what ${tool.name} would touch: ${errorMessage(error)}`,
      };
    }
    const matchContext: MatchContext = { projectRoot, home: options.home, toolName: tool.name };

    const denied = deny.find((rule) => ruleMatches(rule, subject, matchContext));
    if (denied) {
      return {
        allowed: false,
        reason: `Denied by the permission rule "${denied.text}". Do not retry this; find another way or ask the user.`,
      };
    }
    if (subject.kind === "none") return { allowed: true };

    // Decided by what the call touches, not the tool's flag: a shell command is never read-only here.
    const isReadOnlyCall = subject.kind === "read" || (subject.kind === "memory" && !subject.mutating);
    if (mode === "plan" && !isReadOnlyCall) return { allowed: false, reason: PLAN_MODE_REFUSAL };

    if (subject.kind === "edit") {
      const outside = subject.paths.filter(
        (filePath) => !isInside(realPathOfNearest(path.resolve(projectRoot, filePath)), realProjectRoot),
      );
      const outsideSubject: PermissionSubject = { kind: "edit", paths: outside };
      if (outside.length > 0 && !rulesAllow([...allow, ...sessionAllow], outsideSubject, matchContext)) {
        const rule = suggestRule(outsideSubject, projectRoot, options.home);
        return {
          allowed: false,
          reason: `Not permitted: ${outside.join(", ")} is outside the project (${projectRoot}). Writing outside the project needs an explicit allow rule in every mode, e.g. add "${rule}" to permissions.allow in settings or pass --allowed-tools '${rule}'.`,
        };
      }
    }

    const askedByRule = askRules.find((rule) => ruleMatches(rule, subject, matchContext));
    const allowedThisSession = rulesAllow(sessionAllow, subject, matchContext);
    if (!askedByRule || allowedThisSession) {
      if (allowedThisSession || rulesAllow(allow, subject, matchContext)) return { allowed: true };
      if (!needsAskingInMode(mode, subject, isReadOnlyCall)) return { allowed: true };
    }

    const suggestedRule = suggestRule(subject, projectRoot, options.home);
    const description = describe(tool.name, subject, projectRoot);
    if (!options.ask)
      return { allowed: false, reason: headlessRefusal(description, subject, suggestedRule, askedByRule) };

    let answer: PermissionAnswer;
    try {
      answer = await options.ask({
        toolName: tool.name,
        input: parsed.data,
        subject,
        description,
        suggestedRule,
        cause: askedByRule ? "ask-rule" : "mode",
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
    if (answer.decision === "allow-always") {
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
): string {
  const why = askedByRule
    ? `the permission rule "${askedByRule.text}" requires asking the user`
    : "this needs the user's approval";
  const modeHint = subject.kind === "edit" ? ", or run with --permission-mode accept-edits" : "";
  return `Not permitted: ${description} — ${why}, and this is a non-interactive run with no one to ask. The run goes on without it. To allow it, pass --allowed-tools '${suggestedRule}' or add "${suggestedRule}" to permissions.allow in settings${modeHint}.`;
}

function describe(toolName: string, subject: PermissionSubject, projectRoot: string): string {
  const shown = (filePath: string) => {
    const relative = path.relative(projectRoot, path.resolve(projectRoot, filePath));
    return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : filePath;
  };
  switch (subject.kind) {
    case "bash":
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
    case "bash": {
      const command = subject.command.trim();
      // A substitution or several commands cannot be covered by one prefix rule; save the exact command.
      if (/[;&|\n`]|\$\(|<\(|>\(/.test(command)) return `Bash(${command})`;
      const words = command.split(/\s+/).slice(0, 2).join(" ");
      return `Bash(${words}:*)`;
    }
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

function isInside(filePath: string, directory: string): boolean {
  const relative = path.relative(directory, filePath);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * The real path of a file that may not exist yet: the nearest existing
 * ancestor resolved through symlinks, plus the rest. So a symlink inside the
 * project pointing elsewhere does not count as inside.
 */
function realPathOfNearest(filePath: string): string {
  let existing = filePath;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return filePath;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}
