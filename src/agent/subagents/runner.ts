import { errorMessage } from "../../core/errors.ts";
import type { AgentEvent } from "../../core/events.ts";
import { isModelEnding, messageText, userMessage } from "../../core/messages.ts";
import type { ModelClient } from "../../core/model.ts";
import {
  newToolSessionState,
  type TextFileAccess,
  type Tool,
  type ToolContext,
  type ToolResult,
} from "../../core/tool.ts";
import { namedModelRef } from "../../providers/named-model.ts";
import { capOutput } from "../../tools/define-tool.ts";
import type { TaskRequest } from "../../tools/task.ts";
import { type Checkpointer, checkThenSnapshot } from "../checkpoint-recorder.ts";
import { runAgent } from "../loop.ts";
import { endingLine } from "../model-ending.ts";
import type { PermissionGate } from "../permission-gate.ts";
import type { AfterToolCall, ToolCallHooks } from "../tool-calls.ts";
import { GENERAL_PURPOSE, type SubagentDefinition } from "./agent-files.ts";
import { chooseTools } from "./tool-choice.ts";

export interface SubagentRunnerOptions {
  agents: readonly SubagentDefinition[];
  /** The parent's model now (a subagent without a model of its own inherits it). */
  parentModel(): ModelClient;
  /** Resolves a model reference with the user's own settings and keys (a repository cannot add providers). */
  resolve(ref: string): ModelClient;
  /** The most a subagent may have for a model: the parent's tools without the task tool, memory read-only. */
  toolsFor(model: ModelClient): Tool[];
  systemPromptFor(model: ModelClient, agent: SubagentDefinition): string;
  /** The parent's gate: a subagent's calls are judged, and asked about, exactly like the parent's. */
  gate: Pick<PermissionGate, "check" | "isReadDenied">;
  /** The session's PreToolUse/PostToolUse hooks: a subagent's calls pass them as the parent's do. */
  toolHooks?: ToolCallHooks;
  /**
   * The parent session's file-change hooks, read when a subagent starts: its writes are snapshotted into the
   * parent turn's checkpoint (so /rewind of that turn puts them back) and recorded as the agent's, like the parent's.
   */
  parentFileHooks?(): SubagentFileHooks;
  /** The session's file access (an ACP editor's buffers): a subagent sees what the parent sees. */
  files?: TextFileAccess;
  cwd: string;
  projectRoot: string;
  maxTurns?: number;
}

/** What the parent session does around its own file-changing calls (agent-session.ts, session-parts.ts). */
export interface SubagentFileHooks {
  checkpointer: Checkpointer | undefined;
  afterToolCall: AfterToolCall | undefined;
}

/** A subagent's answer that comes back as the tool result: long enough for a report, not a transcript. */
const MAX_ANSWER_CHARS = 20_000;
const DEFAULT_MAX_TURNS = 50;
/** Deltas are the parent's stream-json partials, not a subagent's: its progress is its tools and usage. */
const UNFORWARDED: ReadonlySet<AgentEvent["type"]> = new Set(["text-delta", "reasoning-delta"]);

/** Runs one task call (the task tool hands it what the call asked for, whatever its family named the fields). */
export type SubagentRunner = (request: TaskRequest, context: ToolContext) => Promise<ToolResult>;

/**
 * Runs one subagent: a fresh conversation with its own system prompt, the task as its prompt,
 * its tools, the same agent loop and the same permission gate, under the parent call's abort
 * signal. Its events go to the parent's consumers as `subagent` events (its usage counts into
 * the session's); its messages are not stored and never enter the parent's context: only its
 * final answer does, bounded, as the tool result.
 */
export function createSubagentRunner(options: SubagentRunnerOptions): SubagentRunner {
  return async (request, context) => {
    const wanted = (request.agentType ?? GENERAL_PURPOSE.name).trim().toLowerCase();
    const agent = options.agents.find((candidate) => candidate.name === wanted);
    if (!agent) {
      const known = options.agents.map((candidate) => candidate.name).join(", ");
      return { output: `Unknown subagent type "${wanted}". Available: ${known}.`, isError: true };
    }
    let model: ModelClient;
    const modelRef = request.model?.trim() || agent.model;
    try {
      model = subagentModel(modelRef, options);
    } catch (error) {
      return {
        output: `The subagent's model "${modelRef}" is not available: ${errorMessage(error)}`,
        isError: true,
      };
    }
    const tools = chooseTools(options.toolsFor(model), agent.tools);
    const emit = (event: AgentEvent) =>
      context.emit?.({
        type: "subagent",
        parentToolCallId: context.toolCallId ?? "",
        agent: agent.name,
        model: model.info.ref,
        event,
      });

    const fileHooks = options.parentFileHooks?.();
    let answer = "";
    let ending: Extract<AgentEvent, { type: "done" }> | undefined;
    let failure: string | undefined;
    const events = runAgent({
      model,
      system: options.systemPromptFor(model, agent),
      messages: [],
      prompt: userMessage(request.prompt),
      tools,
      toolContext: {
        cwd: options.cwd,
        projectRoot: options.projectRoot,
        state: newToolSessionState(),
        agent: agent.name,
        isReadDenied: (absolutePath) => options.gate.isReadDenied(absolutePath),
        ...(options.files ? { files: options.files } : {}),
      },
      signal: context.signal,
      hooks: {
        beforeToolCall: checkThenSnapshot(
          (tool, input, callContext, hookPermission) =>
            options.gate.check(tool, input, callContext, hookPermission),
          fileHooks?.checkpointer,
        ),
        ...(fileHooks?.afterToolCall ? { afterToolCall: fileHooks.afterToolCall } : {}),
        ...(options.toolHooks ? { toolHooks: options.toolHooks } : {}),
      },
      maxTurns: options.maxTurns ?? DEFAULT_MAX_TURNS,
    });
    for await (const event of events) {
      if (event.type === "message" && event.message.role === "assistant") {
        const text = messageText(event.message);
        if (text.trim()) answer = text;
      } else if (event.type === "error") failure = event.message;
      else if (event.type === "done") ending = event;
      if (!UNFORWARDED.has(event.type)) emit(event);
    }
    return resultOf(agent.name, answer, ending, failure);
  };
}

function resultOf(
  name: string,
  answer: string,
  ending: Extract<AgentEvent, { type: "done" }> | undefined,
  failure: string | undefined,
): ToolResult {
  const text = capOutput(answer.trim(), MAX_ANSWER_CHARS);
  if (ending && isModelEnding(ending.reason)) {
    // The parent model is told how its subagent's answer ended, with what came of it below, so
    // the first line (what -p shows on stderr) is whole on its own.
    return {
      output: `The ${name} subagent's answer ended short: ${endingLine(ending.reason)}${text ? `\n\nWhat came of it:\n\n${text}` : ""}`,
      isError: true,
    };
  }
  switch (ending?.reason) {
    case "stop":
      return { output: text || `The ${name} subagent finished without a final message.` };
    case "max-turns":
      return {
        output: `The ${name} subagent stopped at its turn limit.${text ? ` Its last message:\n\n${text}` : ""}`,
        isError: true,
      };
    case "aborted":
      return { output: `The ${name} subagent was interrupted.`, isError: true };
    default:
      return { output: `The ${name} subagent failed: ${failure ?? "unknown error"}`, isError: true };
  }
}

/** The model a subagent runs on: the parent's unless one was named (see namedModelRef for aliases and bare ids). */
function subagentModel(ref: string | undefined, options: SubagentRunnerOptions): ModelClient {
  const parent = options.parentModel();
  const named = namedModelRef(ref, parent.info);
  return named ? options.resolve(named) : parent;
}
