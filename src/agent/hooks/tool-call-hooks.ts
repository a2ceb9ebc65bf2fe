import type { AgentEvent } from "../../core/events.ts";
import type { PermissionSubject, ToolContext } from "../../core/tool.ts";
import type { HookedCall, ToolCallHooks } from "../tool-calls.ts";
import type { HookEngine, HookOutcome } from "./hook-engine.ts";
import { hookToolInput, hookToolName } from "./tool-names.ts";

export function hookReports(outcome: HookOutcome): AgentEvent[] {
  return outcome.reports.map((text) => ({ type: "notice", level: "warning", text }));
}

function subjectOf(call: HookedCall, context: ToolContext): PermissionSubject | undefined {
  try {
    return call.tool.permission(call.input, context);
  } catch {
    // The gate reports this itself when it judges the call.
    return undefined;
  }
}

function hookFields(
  call: HookedCall,
  context: ToolContext,
): { name: string; fields: Record<string, unknown> } {
  const name = hookToolName(call.tool.name);
  return {
    name,
    fields: {
      tool_name: name,
      tool_input: hookToolInput(name, call.input, subjectOf(call, context), context.cwd),
      tool_use_id: call.toolCallId,
    },
  };
}

/**
 * PreToolUse and PostToolUse over the hook engine. Before a call: exit 2 or
 * `permissionDecision: "deny"` refuses it, the reason going back to the model
 * as the tool's result; "allow" and "ask" go to the permission gate, which
 * still applies deny and ask rules (permission-gate.ts). After it: exit 2 or
 * `decision: "block"` feeds the reason to the model with the result (the call
 * has run), and `additionalContext` is added to it.
 */
export function toolCallHooks(engine: HookEngine): ToolCallHooks {
  return {
    async before(call, context) {
      if (!engine.has("PreToolUse")) return { events: [] };
      const { name, fields } = hookFields(call, context);
      const outcome = await engine.run("PreToolUse", name, fields, { signal: context.signal });
      const events = hookReports(outcome);
      const stop = outcome.stop !== undefined ? { stop: outcome.stop } : {};
      if (outcome.blocks.length > 0 || outcome.permission === "deny") {
        const reasons = [
          ...outcome.blocks,
          ...(outcome.permission === "deny" ? outcome.permissionReasons : []),
        ];
        return { decision: "deny", reason: reasons.join("\n") || "no reason given", events, ...stop };
      }
      if (outcome.permission)
        return {
          decision: outcome.permission,
          reason: outcome.permissionReasons.join("\n"),
          events,
          ...stop,
        };
      return { events, ...stop };
    },
    async after(call, result, context) {
      if (!engine.has("PostToolUse")) return { result, events: [] };
      const { name, fields } = hookFields(call, context);
      const outcome = await engine.run(
        "PostToolUse",
        name,
        { ...fields, tool_response: { output: result.output, is_error: result.isError === true } },
        { signal: context.signal },
      );
      const feedback = [
        ...outcome.blocks.map((reason) => `PostToolUse hook feedback: ${reason}`),
        ...outcome.additionalContext,
      ];
      const changed =
        feedback.length > 0 ? { ...result, output: `${result.output}\n\n${feedback.join("\n\n")}` } : result;
      return {
        result: changed,
        events: hookReports(outcome),
        ...(outcome.stop !== undefined ? { stop: outcome.stop } : {}),
      };
    },
  };
}
