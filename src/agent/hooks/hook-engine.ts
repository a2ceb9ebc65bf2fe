import { permissionModeAliases } from "../../core/permission-mode.ts";
import type { ConfiguredHook, HookEvent } from "./hook-config.ts";
import { type HookPermissionDecision, type HookResult, interpretHookOutcome } from "./hook-output.ts";
import { matcherMatches } from "./matcher.ts";
import { runHookCommand } from "./run-hook-command.ts";

export interface HookEngineOptions {
  hooks: ConfiguredHook[];
  projectRoot: string;
  cwd: string;
  /** tacit's own environment; the model keys are taken out before a hook gets it. */
  env: NodeJS.ProcessEnv;
  /** Variables hooks never get: the model keys tacit holds (config/provider-keys.ts), as for sandboxed commands. */
  hiddenVariables: readonly string[];
  sessionId(): string;
  permissionMode(): string;
}

/** What the hooks that matched said together. */
export interface HookOutcome {
  /** Every blocking reason, one per hook that blocked. */
  blocks: string[];
  /** The strictest decision: deny over ask over allow. */
  permission?: HookPermissionDecision;
  permissionReasons: string[];
  additionalContext: string[];
  stop?: string;
  /** Lines for the user. */
  reports: string[];
  /** How many hooks ran. */
  ran: number;
}

/** The mode in Claude Code's spelling (`acceptEdits`, `bypassPermissions`), which hooks written for it compare against. */
function claudeCodeMode(mode: string): string {
  return Object.entries(permissionModeAliases).find(([, tacitName]) => tacitName === mode)?.[0] ?? mode;
}

const PERMISSION_ORDER: HookPermissionDecision[] = ["allow", "ask", "deny"];

function combine(results: HookResult[]): HookOutcome {
  const outcome: HookOutcome = {
    blocks: [],
    permissionReasons: [],
    additionalContext: [],
    reports: [],
    ran: results.length,
  };
  for (const result of results) {
    if (result.block) outcome.blocks.push(result.block);
    if (result.permission) {
      const stricter =
        outcome.permission === undefined ||
        PERMISSION_ORDER.indexOf(result.permission) > PERMISSION_ORDER.indexOf(outcome.permission);
      if (stricter) {
        outcome.permission = result.permission;
        outcome.permissionReasons = [];
      }
      if (result.permission === outcome.permission && result.permissionReason)
        outcome.permissionReasons.push(result.permissionReason);
    }
    if (result.additionalContext) outcome.additionalContext.push(result.additionalContext);
    if (result.stop && outcome.stop === undefined) outcome.stop = result.stop;
    if (result.report) outcome.reports.push(result.report);
  }
  return outcome;
}

/**
 * Runs the settings' hooks for an event: every hook whose matcher fits runs at
 * once (the same command twice runs once), each with its own timeout, and
 * their answers are combined. A hook that fails or times out is a line in the
 * report, never an error: the session goes on. Hooks run outside the shell
 * sandbox, as in Claude Code (they are the user's own commands, or a trusted
 * repository's), but without the model keys in their environment.
 */
export class HookEngine {
  private readonly options: HookEngineOptions;
  private hooks: ConfiguredHook[];
  private readonly environment: NodeJS.ProcessEnv;

  constructor(options: HookEngineOptions) {
    this.options = options;
    this.hooks = [...options.hooks];
    const env: NodeJS.ProcessEnv = {
      ...options.env,
      CLAUDE_PROJECT_DIR: options.projectRoot,
      TACIT_PROJECT_DIR: options.projectRoot,
    };
    for (const variable of options.hiddenVariables) delete env[variable];
    this.environment = env;
  }

  /** Adds hooks for the rest of the session: a repository's, once the user trusts it mid-start (the TUI's prompt). */
  add(hooks: readonly ConfiguredHook[]): void {
    this.hooks = [...this.hooks, ...hooks];
  }

  has(event: HookEvent): boolean {
    return this.hooks.some((hook) => hook.event === event);
  }

  /**
   * Runs the hooks of `event` whose matcher fits `matchValue` (a tool's Claude
   * Code name, a SessionStart source, a PreCompact trigger; undefined for
   * events without matchers), with Claude Code's common fields and `fields` as
   * stdin. `maxTimeoutSeconds` caps each hook (SessionEnd waits only so long).
   */
  async run(
    event: HookEvent,
    matchValue: string | undefined,
    fields: Record<string, unknown>,
    options: { signal?: AbortSignal; maxTimeoutSeconds?: number } = {},
  ): Promise<HookOutcome> {
    const seen = new Set<string>();
    const selected = this.hooks.filter((hook) => {
      if (hook.event !== event) return false;
      if (matchValue !== undefined && !matcherMatches(hook.matcher, matchValue)) return false;
      if (seen.has(hook.command)) return false;
      seen.add(hook.command);
      return true;
    });
    if (selected.length === 0) return combine([]);
    const input = JSON.stringify({
      session_id: this.options.sessionId(),
      // tacit keeps transcripts in its SQLite database, not in a JSONL file a hook could read.
      transcript_path: "",
      cwd: this.options.cwd,
      permission_mode: claudeCodeMode(this.options.permissionMode()),
      hook_event_name: event,
      ...fields,
    });
    const results = await Promise.all(
      selected.map(async (hook) => {
        const timeoutSeconds = Math.min(
          hook.timeoutSeconds,
          options.maxTimeoutSeconds ?? Number.POSITIVE_INFINITY,
        );
        const outcome = await runHookCommand({
          command: hook.command,
          input,
          cwd: this.options.projectRoot,
          env: this.environment,
          timeoutMs: timeoutSeconds * 1000,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        return interpretHookOutcome(event, hook.command, timeoutSeconds, outcome);
      }),
    );
    return combine(results);
  }
}
