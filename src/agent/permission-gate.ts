import path from "node:path";
import { errorMessage } from "../core/errors.ts";
import type { HookPermission, PermissionDecision, PermissionMode } from "../core/permission-mode.ts";
import type { PermissionSubject, Tool, ToolContext } from "../core/tool.ts";
import { needsAskingInMode } from "./mode-questions.ts";
import { describe, headlessRefusal, suggestRule } from "./permission-messages.ts";
import {
  commandDirectory,
  isInside,
  isProtectedPath,
  realPathOfNearest,
  resolverForOneCall,
  withRealPaths,
} from "./permission-paths.ts";
import {
  type MatchContext,
  type PermissionRule,
  parseRule,
  ruleMatches,
  rulesAllow,
} from "./permission-rules.ts";
import { credentialMentions, isCredentialPath, readReach, readReachRefusal } from "./read-reach.ts";
import { loadShellParser } from "./shell/parser.ts";
import { quoteForShell, unresolvedAgainstRules } from "./shell/shell-rules.ts";
import { privateFetchRefusal } from "./web-fetch-rules.ts";

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
  cause: "mode" | "ask-rule" | "protected-path" | "unresolved-shell" | "hook";
  signal: AbortSignal;
  /** The subagent asking (its agent's name); absent when the session's own model asks. */
  agent?: string;
  /** The tool call asking, when the loop said which (ToolContext.toolCallId). */
  toolCallId?: string;
}

export interface PermissionAnswer {
  decision: "allow-once" | "allow-always" | "deny";
  /** Passed to the model when denying, so it can adjust. */
  reason?: string;
}

interface PermissionRuleLists {
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
  /**
   * Allow rules that only the repository's settings files give
   * (LoadedSettings.repositoryAllow): a shell command they cover runs unasked
   * only inside the OS sandbox. For an escalated run, or where there is no
   * sandbox, only the user's own rules count, so a cloned repository can never
   * pre-approve running code unconfined.
   */
  repositoryAllow?: string[];
}

export interface PermissionGate {
  /**
   * Judges one call; `input` is the parsed, typed input the tool will run with.
   * `hookPermission` is what a PreToolUse hook said: "allow" counts as an allow
   * rule for this call (it skips the question the mode would ask, never a deny
   * or ask rule, plan mode, a protected path, an edit or read outside the
   * project, or a shell command tacit cannot fully parse); "ask" asks even
   * where the rules would allow (refused headless).
   */
  check<Input>(
    tool: Tool<Input>,
    input: Input,
    context: ToolContext,
    hookPermission?: HookPermission,
  ): Promise<PermissionDecision>;
  setMode(mode: PermissionMode): void;
  readonly mode: PermissionMode;
  /** Rules that look wrong (unknown tool names); kept, shown to the user once. */
  readonly warnings: string[];
  /**
   * Whether a Read deny rule covers this file: search tools (grep, glob, ls)
   * leave such files out of what they read and return (ToolContext.isReadDenied).
   */
  isReadDenied(absolutePath: string): boolean;
  /** Adds allow rules (the user's own) until the returned function runs: a custom command's turn. */
  allowForTurn(rules: string[]): () => void;
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
  const repositoryAllow = new Set((options.repositoryAllow ?? []).map((text) => text.trim()));
  const allowFor = (subject: PermissionSubject): PermissionRule[] =>
    subject.kind === "bash" && subject.sandbox !== "inside" && repositoryAllow.size > 0
      ? allow.filter((rule) => !repositoryAllow.has(rule.text))
      : allow;
  const warnings = [...deny, ...askRules, ...allow].flatMap((rule) => (rule.warning ? [rule.warning] : []));
  const projectRoot = path.resolve(options.projectRoot);
  const realProjectRoot = realPathOfNearest(projectRoot);

  // Each path resolved once; every judgement and the tool use that answer (config/checked-file.ts).
  const check: PermissionGate["check"] = async (tool, input, context, hookPermission) => {
    const realOf = resolverForOneCall(context.checkedPaths ?? new Map());
    return judge(tool, input, context, hookPermission, realOf);
  };

  const judge = async <Input>(
    tool: Tool<Input>,
    input: Input,
    context: ToolContext,
    hookPermission: HookPermission | undefined,
    realOf: (absolutePath: string) => string,
  ): Promise<PermissionDecision> => {
    // `input` is what the tool will run with: the loop parsed it once (tools/tool-call.ts), and a
    // call whose arguments did not parse never reaches the gate; it is an error result instead.
    let subject: PermissionSubject;
    try {
      subject = tool.permission(input, context);
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
      cwd: commandDirectory(input, context),
    };
    // Deny and ask rules also see where symlinks lead, so `Read(~/.ssh/**)` holds through a link to it.
    const matchedSubject = withRealPaths(subject, projectRoot, realOf);

    const denied = deny.find((rule) => ruleMatches(rule, matchedSubject, matchContext));
    if (denied) {
      return {
        allowed: false,
        reason: `Denied by the permission rule "${denied.text}". Do not retry this; find another way or ask the user.`,
      };
    }
    if (subject.kind === "none" && hookPermission !== "ask") return { allowed: true };
    const allowed = allowFor(subject);
    const unresolved = unresolvedAgainstRules(subject, [...deny, ...askRules], [...allowed, ...sessionAllow]);
    if (unresolved && mode !== "plan") {
      // Not provably outside every deny rule: no mode, not even bypass, runs it without the user.
      return askUser(tool, input, subject, context, undefined, [], unresolved);
    }

    // Decided by what the call touches, not the tool's flag: a shell command is never read-only here.
    const isReadOnlyCall =
      subject.kind === "read" ||
      (subject.kind === "memory" && !subject.mutating) ||
      (subject.kind === "mcp" && subject.readOnly);
    if (mode === "plan" && !isReadOnlyCall) return { allowed: false, reason: PLAN_MODE_REFUSAL };
    // No mode, hook or question lets a fetch reach a private or loopback host: only a rule naming it.
    const privateRefusal = privateFetchRefusal(subject, (fetch) =>
      rulesAllow([...allowed, ...sessionAllow], fetch, matchContext),
    );
    if (privateRefusal) return { allowed: false, reason: privateRefusal };

    let protectedPaths: string[] = [];
    if (subject.kind === "edit") {
      // Allow rules for a path outside are matched against where it really is, so `Edit(src/**)`
      // does not cover src/link-to-etc/passwd.
      const outside = subject.paths
        .map((filePath) => realOf(path.resolve(projectRoot, filePath)))
        .filter((realPath) => !isInside(realPath, realProjectRoot));
      const outsideSubject: PermissionSubject = { kind: "edit", paths: outside };
      if (outside.length > 0 && !rulesAllow([...allow, ...sessionAllow], outsideSubject, matchContext)) {
        const rule = suggestRule(outsideSubject, projectRoot, options.home);
        return {
          allowed: false,
          reason: `Not permitted: ${outside.join(", ")} is outside the project (${projectRoot}). Writing outside the project needs an explicit allow rule in every mode, e.g. add ${JSON.stringify(rule)} to permissions.allow in settings or pass --allowed-tools ${quoteForShell(rule)}.`,
        };
      }
      protectedPaths = subject.paths.filter((filePath) =>
        isProtectedPath(path.resolve(projectRoot, filePath), realOf),
      );
    }

    const askedByRule = askRules.find((rule) => ruleMatches(rule, matchedSubject, matchContext));
    // Outside the sandbox nothing hides ~/.ssh: a command naming a credential asks, as Read of it does,
    // unless the user allowed this exact command.
    const mentioned =
      subject.kind === "bash" && subject.sandbox !== "inside"
        ? credentialMentions(subject.command, options.home)
        : [];
    const exactRule = subject.kind === "bash" ? `Bash(${subject.command})` : "";
    if (mentioned.length > 0 && ![...allowed, ...sessionAllow].some((rule) => rule.text === exactRule)) {
      if (options.ask && !context.noPrompt) return askUser(tool, input, subject, context, askedByRule, []);
      return {
        allowed: false,
        reason: `Not permitted: ${describe(tool.name, subject, projectRoot, context.checkedPaths)} — it names ${mentioned.join(", ")}, which holds credentials, and it would run outside the sandbox, so it needs the user's approval, and this is a non-interactive run with no one to ask. To allow exactly this command, pass --allowed-tools ${quoteForShell(exactRule)}.`,
      };
    }
    const reach = readReach(subject, projectRoot, options.home, mode, realOf);
    if (
      reach &&
      !rulesAllow([...allowed, ...sessionAllow], { kind: "read", paths: reach.paths }, matchContext)
    ) {
      const outsideSubject: PermissionSubject = { kind: "read", paths: reach.paths };
      if (options.ask && !context.noPrompt)
        return askUser(tool, input, outsideSubject, context, askedByRule, []);
      const rule = suggestRule(outsideSubject, projectRoot, options.home);
      return {
        allowed: false,
        reason: readReachRefusal(
          describe(tool.name, outsideSubject, projectRoot, context.checkedPaths),
          reach,
          rule,
        ),
      };
    }
    if (protectedPaths.length > 0 && mode !== "bypass") {
      // Settings and .git change what the agent may do next (rules, hooks), so neither accept-edits nor
      // an allow rule covers them: the user approves each time.
      return askUser(tool, input, subject, context, askedByRule, protectedPaths);
    }
    if (hookPermission === "ask") return askForHook(tool, input, subject, context);
    const allowedThisSession = rulesAllow(sessionAllow, subject, matchContext);
    if (!askedByRule || allowedThisSession) {
      if (allowedThisSession || hookPermission === "allow" || rulesAllow(allowed, subject, matchContext))
        return { allowed: true };
      if (!needsAskingInMode(mode, subject, isReadOnlyCall)) return { allowed: true };
      if (options.autoAllowSandboxed && subject.kind === "bash" && subject.sandbox === "inside")
        return { allowed: true };
    }

    return askUser(tool, input, subject, context, askedByRule, []);
  };

  /** A PreToolUse hook's "ask": the user decides, whatever the rules and the mode would say. */
  const askForHook = (
    tool: Tool,
    input: unknown,
    subject: PermissionSubject,
    context: ToolContext,
  ): Promise<PermissionDecision> => {
    if (!options.ask || context.noPrompt) {
      return Promise.resolve({
        allowed: false,
        reason: `Not permitted: ${describe(tool.name, subject, projectRoot, context.checkedPaths)} — a PreToolUse hook asks the user to approve this call, and this is a non-interactive run with no one to ask.`,
      });
    }
    return askUser(tool, input, subject, context, undefined, [], undefined, "hook");
  };

  const askUser = async (
    tool: Tool,
    input: unknown,
    subject: PermissionSubject,
    context: ToolContext,
    askedByRule: PermissionRule | undefined,
    protectedPaths: string[],
    unresolved?: string,
    askedBy?: "hook",
  ): Promise<PermissionDecision> => {
    const isProtected = protectedPaths.length > 0;
    // No rule for a protected path: a saved one would not be honoured, and it must not look as if it were.
    const suggestedRule = isProtected ? "" : suggestRule(subject, projectRoot, options.home);
    // With the real paths judged for this call: the question names the file really touched.
    const description = describe(tool.name, subject, projectRoot, context.checkedPaths);
    if (!options.ask || context.noPrompt) {
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
        cause: askedBy
          ? askedBy
          : isProtected
            ? "protected-path"
            : askedByRule
              ? "ask-rule"
              : unresolved
                ? "unresolved-shell"
                : "mode",
        signal: context.signal,
        ...(context.agent ? { agent: context.agent } : {}),
        ...(context.toolCallId ? { toolCallId: context.toolCallId } : {}),
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
    if (answer.decision === "allow-always" && suggestedRule !== "") {
      sessionAllow.push(parseRule(suggestedRule));
      try {
        await options.persistRule?.(suggestedRule);
      } catch (error) {
        // Saving failed (unwritable settings, a settings link leading out of the project): the
        // approval still holds for this session, and the user is told in one line.
        return {
          allowed: true,
          notice: `${errorMessage(error)}; "${suggestedRule}" holds for this session only.`,
        };
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
    allowForTurn(rules: string[]) {
      const added = parse(rules);
      allow.push(...added);
      return () => {
        for (const rule of added) allow.splice(allow.indexOf(rule), 1);
      };
    },
    isReadDenied(absolutePath: string): boolean {
      const matchContext: MatchContext = { projectRoot, home: options.home, cwd: projectRoot };
      // A search over the home folder leaves out the credential files a Read of them would ask about.
      if (
        isCredentialPath(absolutePath, options.home) &&
        !rulesAllow([...allow, ...sessionAllow], { kind: "read", paths: [absolutePath] }, matchContext)
      )
        return true;
      // Called for every file a search walks: nothing more to do without deny rules.
      if (deny.length === 0) return false;
      const subject = withRealPaths({ kind: "read", paths: [absolutePath] }, projectRoot, realPathOfNearest);
      return deny.some((rule) => ruleMatches(rule, subject, matchContext));
    },
  };
}
