import { terminalSafe } from "../../core/terminal-safe.ts";
import type { HookEvent } from "./hook-config.ts";
import type { HookCommandOutcome } from "./run-hook-command.ts";

export type HookPermissionDecision = "allow" | "deny" | "ask";

/** What one hook said, in Claude Code's terms, before the event decides what it means. */
export interface HookResult {
  /** Exit 2 (its stderr) or `decision: "block"` (its `reason`): blocks what the event guards. */
  block?: string;
  /** PreToolUse's `hookSpecificOutput.permissionDecision` (or the older `decision: "approve"`). */
  permission?: HookPermissionDecision;
  permissionReason?: string;
  /** `hookSpecificOutput.additionalContext`, or plain stdout where it is context (UserPromptSubmit, SessionStart). */
  additionalContext?: string;
  /** `continue: false`: stop the agent, with `stopReason` for the user. */
  stop?: string;
  /** One line for the user: a failure, a timeout, a `systemMessage`. */
  report?: string;
}

/** The events whose plain stdout (exit 0, not JSON) is context for the model, as in Claude Code. */
const STDOUT_IS_CONTEXT: ReadonlySet<HookEvent> = new Set(["UserPromptSubmit", "SessionStart"]);

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function describeCommand(command: string): string {
  // Escaped: a repository's hook command could otherwise rewrite the line it is reported on.
  const line = terminalSafe(firstLine(command));
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

function stringField(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** The JSON object a hook printed, or undefined when its stdout is plain text. */
function jsonOutput(stdout: string): Record<string, unknown> | undefined {
  const text = stdout.trim();
  if (!text.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function fromJson(event: HookEvent, output: Record<string, unknown>, label: string): HookResult {
  const result: HookResult = {};
  const specific =
    typeof output.hookSpecificOutput === "object" && output.hookSpecificOutput !== null
      ? (output.hookSpecificOutput as Record<string, unknown>)
      : {};
  const reason = stringField(output.reason);
  if (output.decision === "block") {
    result.block = reason ?? `blocked by the ${event} hook ${label}`;
  }
  // Claude Code's older PreToolUse spelling: "approve" and "block" as the decision.
  if (event === "PreToolUse" && output.decision === "approve") {
    result.permission = "allow";
    if (reason) result.permissionReason = reason;
  }
  const permission = specific.permissionDecision;
  if (event === "PreToolUse" && (permission === "allow" || permission === "deny" || permission === "ask")) {
    result.permission = permission;
    const permissionReason = stringField(specific.permissionDecisionReason);
    if (permissionReason) result.permissionReason = permissionReason;
  }
  const context = stringField(specific.additionalContext);
  if (context) result.additionalContext = context;
  if (output.continue === false)
    result.stop = stringField(output.stopReason) ?? `the ${event} hook ${label} stopped the agent`;
  const systemMessage = stringField(output.systemMessage);
  if (systemMessage) result.report = `${event} hook: ${firstLine(systemMessage)}`;
  return result;
}

/**
 * Reads one hook's run the way Claude Code does: exit 0 is success (its JSON,
 * if it printed an object, says more; plain stdout is context where the event
 * takes it); exit 2 blocks, its stderr the reason; any other exit, a crash or
 * a timeout is a non-blocking error, reported to the user in one line.
 */
export function interpretHookOutcome(
  event: HookEvent,
  command: string,
  timeoutSeconds: number,
  outcome: HookCommandOutcome,
): HookResult {
  const label = `\`${describeCommand(command)}\``;
  if (outcome.spawnError) return { report: `${event} hook ${label} could not start: ${outcome.spawnError}` };
  if (outcome.timedOut)
    return {
      report: `${event} hook ${label} timed out after ${timeoutSeconds}s and was stopped; the session goes on.`,
    };
  if (outcome.aborted) return {};
  if (outcome.exitCode === 2) {
    return { block: outcome.stderr.trim() || `blocked by the ${event} hook ${label}` };
  }
  if (outcome.exitCode !== 0) {
    const why = firstLine(outcome.stderr) || firstLine(outcome.stdout);
    const status = outcome.exitCode === null ? "was killed" : `failed (exit ${outcome.exitCode})`;
    return { report: `${event} hook ${label} ${status}${why ? `: ${why}` : ""}` };
  }
  const json = jsonOutput(outcome.stdout);
  if (json) return fromJson(event, json, label);
  const text = outcome.stdout.trim();
  return STDOUT_IS_CONTEXT.has(event) && text ? { additionalContext: text } : {};
}
