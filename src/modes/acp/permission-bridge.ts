import type {
  AgentContext,
  PermissionOption,
  RequestPermissionRequest,
  SessionNotification,
} from "@agentclientprotocol/sdk";
import type { PermissionAnswer, PermissionRequest } from "../../agent/permission-gate.ts";
import { realPathOfNearest } from "../../agent/permission-paths.ts";
import { errorMessage } from "../../core/errors.ts";
import { kindOfSubject } from "./tool-call-info.ts";

const ALLOW_ONCE = "allow-once";
const ALLOW_ALWAYS = "allow-always";
const REJECT = "reject";

/**
 * The permission gate's question as session/request_permission: asked exactly when the gate would
 * ask the TUI's user, with the gate's three answers. "Allow always" is offered only when the gate
 * has a rule to save (never for a protected path), and saving it is the gate's own work (persistRule),
 * as in the TUI. A turn cancelled while the question is open stops waiting and counts as a refusal.
 */
export function permissionBridge(
  client: () => AgentContext,
  sessionId: () => string,
): (request: PermissionRequest) => Promise<PermissionAnswer> {
  return async (request) => {
    const options: PermissionOption[] = [
      { optionId: ALLOW_ONCE, name: "Allow once", kind: "allow_once" },
      ...(request.suggestedRule
        ? [
            {
              optionId: ALLOW_ALWAYS,
              name: `Always allow ${request.suggestedRule}`,
              kind: "allow_always" as const,
            },
          ]
        : []),
      { optionId: REJECT, name: "Reject", kind: "reject_once" },
    ];
    const toolCallId = request.toolCallId ?? `permission-${Date.now()}`;
    const subjectPaths =
      request.subject.kind === "read" || request.subject.kind === "edit" ? request.subject.paths : [];
    let optionId: string | undefined;
    try {
      const question: RequestPermissionRequest = {
        sessionId: sessionId(),
        toolCall: {
          toolCallId,
          title: request.description.charAt(0).toUpperCase() + request.description.slice(1),
          kind: kindOfSubject(request.subject),
          status: "pending",
          // Where each path really leads (in tacit's process, as the gate judged it): the editor opens these.
          locations: subjectPaths.map((path) => ({ path: realPathOfNearest(path) })),
          rawInput: request.input,
        },
        options,
      };
      const response = await client().request("session/request_permission", question, {
        cancellationSignal: request.signal,
        stopWaitingOnCancel: true,
      });
      optionId = response.outcome.outcome === "selected" ? response.outcome.optionId : undefined;
    } catch (error) {
      if (request.signal.aborted) return { decision: "deny", reason: "the turn was cancelled" };
      return { decision: "deny", reason: `the editor could not ask the user (${errorMessage(error)})` };
    }
    if (optionId === undefined) return { decision: "deny", reason: "the user cancelled the question" };
    if (optionId !== ALLOW_ONCE && optionId !== ALLOW_ALWAYS) return { decision: "deny" };
    const update: SessionNotification = {
      sessionId: sessionId(),
      update: { sessionUpdate: "tool_call_update", toolCallId, status: "in_progress" },
    };
    await client().notify("session/update", update);
    return { decision: optionId === ALLOW_ALWAYS ? "allow-always" : "allow-once" };
  };
}
