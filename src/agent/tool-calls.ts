import { errorMessage } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import type { ToolCallPart, ToolResultPart } from "../core/messages.ts";
import type { HookPermission, PermissionDecision } from "../core/permission-mode.ts";
import type { Tool, ToolContext, ToolResult } from "../core/tool.ts";
import { executeTool, isReadOnlyCall, parseToolInput } from "../tools/tool-call.ts";
import { EventChannel } from "./event-channel.ts";

/**
 * Asked before every call that parsed, with the typed input the tool will run
 * with, and what PreToolUse hooks said about it (allow or ask; their deny
 * refuses the call before this is asked).
 */
export type BeforeToolCall = <Input>(
  tool: Tool<Input>,
  input: Input,
  context: ToolContext,
  hookPermission?: HookPermission,
) => Promise<PermissionDecision>;

/** A call that parsed, as the tool hooks see it. */
export interface HookedCall {
  tool: Tool;
  input: unknown;
  toolCallId: string;
}

/**
 * PreToolUse and PostToolUse (agent/hooks/tool-call-hooks.ts), asked around
 * every call that parsed. `stop` ends the agent's turn once this message's
 * calls are answered (a hook's `continue: false`).
 */
export interface ToolCallHooks {
  before(
    call: HookedCall,
    context: ToolContext,
  ): Promise<{ decision?: "allow" | "deny" | "ask"; reason?: string; stop?: string; events: AgentEvent[] }>;
  /** Told after a call ran; returns the result the model gets (with the hooks' feedback added). */
  after(
    call: HookedCall,
    result: ToolResult,
    context: ToolContext,
  ): Promise<{ result: ToolResult; stop?: string; events: AgentEvent[] }>;
}

/**
 * Told after every call that ran (allowed, not interrupted), with its result
 * and when it started: the recording of what the agent left in the files it
 * wrote hangs here (file-write-recorder.ts). Awaited before the result is
 * reported, so the next call sees it done; a failure in it is swallowed, as
 * it must never change what the tool did.
 */
export type AfterToolCall = <Input>(
  tool: Tool<Input>,
  input: Input,
  context: ToolContext,
  outcome: { result: ToolResult; startedAt: number },
) => Promise<void>;

export const INTERRUPTED_RESULT = "Interrupted by the user before this tool ran.";

export type ExecutionEvent =
  | { type: "event"; event: AgentEvent }
  | { type: "result"; result: ToolResultPart }
  /** A hook asked the agent to stop once this message's calls are answered. */
  | { type: "stop"; reason: string };

/**
 * One call after its arguments were parsed: either the tool with its typed
 * input, or the error result the model gets instead (an unknown tool, arguments
 * that do not fit the schema). A call that cannot run is never shown to the
 * permission gate: there is nothing to allow.
 */
type PreparedCall =
  | { call: ToolCallPart; runnable: true; tool: Tool; input: unknown; readOnly: boolean; concurrent: boolean }
  | { call: ToolCallPart; runnable: false; error: string };

function prepare(call: ToolCallPart, toolsByName: Map<string, Tool>): PreparedCall {
  const tool = toolsByName.get(call.toolName);
  if (!tool) {
    const available = [...toolsByName.keys()].join(", ");
    return {
      call,
      runnable: false,
      error: `Unknown tool "${call.toolName}". Available tools: ${available}.`,
    };
  }
  const parsed = parseToolInput(tool, call.input);
  if (!parsed.ok) return { call, runnable: false, error: parsed.error };
  const readOnly = isReadOnlyCall(tool, parsed.input);
  return { call, runnable: true, tool, input: parsed.input, readOnly, concurrent: tool.concurrent === true };
}

/**
 * A call that runs nothing cannot conflict with a read, so it may share a read-only batch; nor can a
 * subagent's (the task tool is `concurrent`): whatever it does, its own calls pass the gate one at a time.
 */
function runsAlongsideReads(prepared: PreparedCall): boolean {
  return !prepared.runnable || prepared.readOnly || prepared.concurrent;
}

/**
 * Runs one assistant message's tool calls. Consecutive read-only calls run in
 * parallel; a mutating call waits for everything before it and runs alone, so
 * edits and commands happen in the order the model asked for them.
 */
export async function* executeToolCalls(
  calls: ToolCallPart[],
  toolsByName: Map<string, Tool>,
  context: ToolContext,
  beforeToolCall: BeforeToolCall | undefined,
  afterToolCall?: AfterToolCall,
  toolHooks?: ToolCallHooks,
): AsyncGenerator<ExecutionEvent> {
  const run = (call: PreparedCall) => executeOne(call, context, beforeToolCall, afterToolCall, toolHooks);
  const prepared = calls.map((call) => prepare(call, toolsByName));
  let index = 0;
  while (index < prepared.length) {
    if (context.signal.aborted) return;
    const first = prepared[index]!;
    if (!runsAlongsideReads(first)) {
      yield* run(first);
      index++;
      continue;
    }
    const batch: PreparedCall[] = [];
    while (index < prepared.length && runsAlongsideReads(prepared[index]!)) {
      batch.push(prepared[index]!);
      index++;
    }
    yield* mergeGenerators(batch.map(run));
  }
}

async function* executeOne(
  prepared: PreparedCall,
  context: ToolContext,
  beforeToolCall: BeforeToolCall | undefined,
  afterToolCall: AfterToolCall | undefined,
  toolHooks: ToolCallHooks | undefined,
): AsyncGenerator<ExecutionEvent> {
  const { call } = prepared;
  const started = Date.now();
  yield {
    type: "event",
    event: { type: "tool-start", toolCallId: call.toolCallId, toolName: call.toolName, input: call.input },
  };

  let result: ToolResult;
  if (!prepared.runnable) {
    result = { output: prepared.error, isError: true };
  } else {
    const hooked: HookedCall = { tool: prepared.tool, input: prepared.input, toolCallId: call.toolCallId };
    const before = toolHooks ? await toolHooks.before(hooked, context) : { events: [] };
    for (const event of before.events) yield { type: "event", event };
    if (before.stop) yield { type: "stop", reason: before.stop };
    let decision: PermissionDecision = { allowed: true };
    // The real paths the gate judges for this call; the tool opens exactly these, not the paths resolved again.
    const checkedPaths = new Map<string, string>();
    if (before.decision === "deny") {
      decision = {
        allowed: false,
        reason: `Blocked by a PreToolUse hook: ${before.reason ?? "no reason given"}`,
      };
    } else {
      const hookPermission =
        before.decision === "allow" || before.decision === "ask" ? before.decision : undefined;
      try {
        if (beforeToolCall)
          // The call's id goes with it to the gate, so a front end's question can name the call it shows.
          decision = await beforeToolCall(
            prepared.tool,
            prepared.input,
            { ...context, toolCallId: call.toolCallId, checkedPaths },
            hookPermission,
          );
      } catch (error) {
        decision = { allowed: false, reason: `Permission check failed: ${errorMessage(error)}` };
      }
    }
    if (!decision.allowed) {
      yield {
        type: "event",
        event: {
          type: "tool-denied",
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          reason: decision.reason,
        },
      };
      result = { output: decision.reason, isError: true };
    } else if (context.signal.aborted) {
      result = { output: INTERRUPTED_RESULT, isError: true };
    } else {
      if (decision.notice)
        yield { type: "event", event: { type: "notice", level: "warning", text: decision.notice } };
      result = yield* executeReporting(prepared, { ...context, checkedPaths }, beforeToolCall);
      if (afterToolCall) {
        await afterToolCall(prepared.tool, prepared.input, context, { result, startedAt: started }).catch(
          () => undefined,
        );
      }
      if (toolHooks) {
        const after = await toolHooks.after(hooked, result, context);
        for (const event of after.events) yield { type: "event", event };
        if (after.stop) yield { type: "stop", reason: after.stop };
        result = after.result;
      }
    }
  }

  yield {
    type: "event",
    event: {
      type: "tool-end",
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: result.output,
      isError: result.isError === true,
      durationMs: Date.now() - started,
      ...(result.display ? { display: result.display } : {}),
    },
  };
  yield {
    type: "result",
    result: {
      type: "tool-result",
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: result.output,
      ...(result.isError ? { isError: true } : {}),
    },
  };
}

/**
 * Runs the tool, passing on what it reports while it runs (context.emit: a subagent's progress) as
 * events of this call, in order, before its result.
 */
async function* executeReporting(
  prepared: Extract<PreparedCall, { runnable: true }>,
  context: ToolContext,
  beforeToolCall: BeforeToolCall | undefined,
): AsyncGenerator<ExecutionEvent, ToolResult> {
  const channel = new EventChannel<AgentEvent>();
  const callContext = { ...context, toolCallId: prepared.call.toolCallId };
  const running = executeTool(prepared.tool, prepared.input, {
    ...callContext,
    emit: (event) => channel.push(event),
    // A subject found while running (a redirect's host) passes the same gate, as the call's own did.
    recheck: (subject) =>
      beforeToolCall
        ? beforeToolCall({ ...prepared.tool, permission: () => subject }, prepared.input, callContext)
        : Promise.resolve({ allowed: true }),
  }).finally(() => channel.close());
  for await (const event of channel.drain()) yield { type: "event", event };
  return running;
}

/** Interleaves several async generators, yielding each value as soon as it is ready. */
async function* mergeGenerators<T>(generators: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const next = (index: number) => generators[index]!.next().then((result) => ({ index, result }));
  for (let index = 0; index < generators.length; index++) pending.set(index, next(index));
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(index);
    } else {
      pending.set(index, next(index));
      yield result.value;
    }
  }
}
