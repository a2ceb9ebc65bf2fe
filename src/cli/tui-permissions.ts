import type {
  PermissionAnswer as GateAnswer,
  PermissionRequest as GateRequest,
  PermissionGateOptions,
} from "../agent/permission-gate.ts";
import { addLocalPermissionRule } from "../config/settings.ts";
import { redactSecrets } from "../memory/redaction.ts";
import type { AskPermission, PermissionRequest as TuiRequest } from "../modes/tui/host.ts";

/** Lines of a file's new content or an edit shown under a permission question. */
const DETAIL_LINES = 12;

export interface PermissionForwarder {
  /** Given to the permission gate at bootstrap, before the TUI exists. */
  ask: NonNullable<PermissionGateOptions["ask"]>;
  /** Saves an "allow always" rule to the project's personal, git-ignored `.tacit/settings.local.json`. */
  persistRule(rule: string): void;
  /** The TUI's ask; the TUI calls this once, before its first render. */
  register(ask: AskPermission): void;
  /** Rules saved with "allow always" during this run, for /permissions. */
  readonly savedRules: string[];
}

/**
 * The gate is built (in bootstrap) before the TUI renders, so it gets a
 * function that forwards to whatever the TUI registers later. Until then, and
 * after the TUI is gone, a question is answered "deny" so nothing runs unasked.
 */
export function createPermissionForwarder(projectRoot: string, home: string): PermissionForwarder {
  let registered: AskPermission | undefined;
  const savedRules: string[] = [];
  return {
    savedRules,
    register: (ask) => {
      registered = ask;
    },
    ask: async (request: GateRequest): Promise<GateAnswer> => {
      if (!registered) return { decision: "deny", reason: "the interactive UI is not ready to ask" };
      return registered(toTuiRequest(request), request.signal);
    },
    persistRule: (rule) => {
      // An exact command that holds a secret (curl -u user:pw … | jq) stays allowed for this session only:
      // a settings file is kept as written, so the rule would keep the secret on disk.
      if (redactSecrets(rule).redactions.length > 0) return;
      // Personal, not the team's shared settings.json: one person's "allow always" must not reach everyone's checkout.
      // Recorded in `home` as the user's own content, so the file stays trusted (config/local-settings-trust.ts).
      addLocalPermissionRule(home, projectRoot, "allow", rule);
      savedRules.push(rule);
    },
  };
}

/** The gate's question in the TUI's words: one summary line and what the call would do. */
export function toTuiRequest(request: GateRequest): TuiRequest {
  const detail = permissionDetail(request);
  return {
    // A subagent's question says whose it is: the user answers for that agent's task.
    toolName: request.agent ? `${request.toolName} (${request.agent} subagent)` : request.toolName,
    summary: request.description,
    suggestedRule: request.suggestedRule,
    ...(request.suggestedRule === ""
      ? {
          noRuleReason:
            request.cause === "protected-path" ? "a protected file" : "no rule can name exactly this",
        }
      : {}),
    ...(detail ? { detail } : {}),
  };
}

function permissionDetail(request: GateRequest): string | undefined {
  const { subject } = request;
  if (subject.kind === "bash") {
    // A one-line command is already in the summary; a long or multi-line one is shown whole.
    return subject.command.includes("\n") || subject.command.length > 80 ? subject.command : undefined;
  }
  const input = (request.input ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : undefined);
  const oldText = text("old_string") ?? text("oldString");
  const newText = text("new_string") ?? text("newString");
  if (oldText !== undefined && newText !== undefined) {
    return clip([...prefixLines(oldText, "- "), ...prefixLines(newText, "+ ")]);
  }
  const content = text("content");
  if (content !== undefined) return clip(prefixLines(content, "+ "));
  const patch = text("patch") ?? text("input");
  if (patch !== undefined) return clip(patch.split("\n"));
  return undefined;
}

function prefixLines(text: string, prefix: string): string[] {
  return text.split("\n").map((line) => prefix + line);
}

function clip(lines: string[]): string {
  if (lines.length <= DETAIL_LINES) return lines.join("\n");
  return [...lines.slice(0, DETAIL_LINES), `… ${lines.length - DETAIL_LINES} more lines`].join("\n");
}
