import { errorMessage, isAbortError } from "../core/errors.ts";
import type { AgentEvent, DoneReason } from "../core/events.ts";
import type {
  AssistantMessage,
  Message,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolMessage,
  ToolResultPart,
  UserMessage,
} from "../core/messages.ts";
import type { ModelClient, ModelStreamEvent, ToolSpec } from "../core/model.ts";
import type { Tool, ToolContext } from "../core/tool.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import { costOf } from "../providers/cost.ts";
import { ContextOverflowError } from "../providers/retry.ts";
import { toolSpecOf } from "../tools/define-tool.ts";
import { endShort, unfinishedCalls, withNote } from "./loop-ending.ts";
import { MALFORMED_CALL_RETRY, malformedCallNote } from "./model-ending.ts";
import {
  type AfterToolCall,
  type BeforeToolCall,
  executeToolCalls,
  INTERRUPTED_RESULT,
  type ToolCallHooks,
} from "./tool-calls.ts";
import { addTurnContext, type TurnContextSource } from "./turn-context.ts";

interface LoopHooks {
  /**
   * The permission gate: asked before every tool call whose arguments parsed, with
   * the typed input the tool will run with; a refusal goes back to the model as
   * the tool's result.
   */
  beforeToolCall?: BeforeToolCall;
  /** Told after every call that ran, with its result (records what the agent left in files it wrote). */
  afterToolCall?: AfterToolCall;
  /** PreToolUse and PostToolUse hooks from settings (agent/hooks/), around every call that parsed. */
  toolHooks?: ToolCallHooks;
  /**
   * Add context to the new user message, once, before the turn's first request
   * (recall now; see turn-context.ts). What they add is part of the message the
   * loop reports and sends, so what is stored is what the model saw.
   */
  turnContext?: readonly TurnContextSource[];
  /**
   * Makes room in the model's context window, within a turn: asked before each
   * request ("before-request": it decides whether the conversation is nearly
   * full) and once after the provider refused a request as too long
   * ("overflow"). Returns the conversation to go on with, or undefined to
   * leave it as it is.
   */
  fitContext?(
    messages: readonly Message[],
    reason: "before-request" | "overflow",
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent, Message[] | undefined>;
}

export interface RunAgentOptions {
  model: ModelClient;
  /**
   * The system prompt, or a function read before each request: compaction in the middle of a turn
   * rebuilds it (the memory index then names what was just saved), and the next request carries it.
   */
  system: string | (() => string);
  /** The conversation so far, before the new user message. Not mutated. */
  messages: Message[];
  /** The user's new message; the loop adds the turn's context to it and reports it as a "message" event. */
  prompt: UserMessage;
  /**
   * The tools offered, or a function read before each request: an MCP server that comes up mid-turn
   * joins from the next request.
   */
  tools: Tool[] | (() => readonly Tool[]);
  toolContext: Omit<ToolContext, "signal">;
  signal: AbortSignal;
  hooks?: LoopHooks;
  /** Stop after this many model requests in this run. */
  maxTurns?: number;
  /** Told at the first event of each response: the request is out (work that would compete with it waits). */
  onAnswering?: () => void;
  /**
   * The caller compacts before its next turn after an answer cut where the context window filled
   * (AgentSession), so the ending line says so; a subagent's run has no next turn.
   */
  compactsNextTurn?: boolean;
}

/**
 * The agent loop: request → stream → run tools → repeat, until the model stops
 * asking for tools, the turn limit is reached, or the run is aborted. It knows
 * no UI: every mode consumes the events it yields.
 */
export async function* runAgent(options: RunAgentOptions): AsyncGenerator<AgentEvent> {
  const { model, signal } = options;
  const messages = [...options.messages];
  const currentTools = () => (typeof options.tools === "function" ? options.tools() : options.tools);
  let toolsByName = new Map<string, Tool>();
  const toolContext: ToolContext = { ...options.toolContext, signal };
  let totalUsage = emptyUsage();
  let totalCost = 0;
  let turn = 0;
  // A request the provider refused as too long is sent again once, after making room.
  let overflowRetried = false;
  // An answer whose tool call the provider could not read (Gemini's MALFORMED_FUNCTION_CALL) is asked
  // for again once, with this note to the model for that request only.
  let malformedNote: string | undefined;
  // The current request's attempts that failed, the provider's retries and that re-request alike: each
  // retry event is numbered on this count, so every mode shows one sequence (a retry of the retry is 2).
  let failedAttempts = 0;

  const done = (reason: DoneReason): AgentEvent => ({
    type: "done",
    reason,
    usage: totalUsage,
    costUsd: totalCost,
    turns: turn,
  });

  const withContext = yield* addTurnContext(options.prompt, options.hooks?.turnContext ?? [], signal);
  // The user's message is kept even when gathering its context failed: it is what they said.
  messages.push(withContext.message);
  yield { type: "message", message: withContext.message };
  if (!withContext.ok) {
    if (isAbortError(withContext.error) || signal.aborted) {
      yield done("aborted");
    } else {
      yield { type: "error", message: errorMessage(withContext.error), fatal: true };
      yield done("error");
    }
    return;
  }

  while (true) {
    if (signal.aborted) {
      yield done("aborted");
      return;
    }
    if (options.maxTurns !== undefined && turn >= options.maxTurns) {
      yield { type: "notice", level: "warning", text: `Stopped after ${turn} turns (--max-turns).` };
      yield done("max-turns");
      return;
    }
    turn++;
    yield { type: "turn-start", turn };

    const assistant = new AssistantAccumulator();
    let usage: Usage | undefined;
    let finish: Extract<ModelStreamEvent, { type: "finish" }> | undefined;
    try {
      if (options.hooks?.fitContext) {
        const fitted = yield* options.hooks.fitContext(messages, "before-request", signal);
        if (fitted) messages.splice(0, messages.length, ...fitted);
      }
      const system = typeof options.system === "function" ? options.system() : options.system;
      const tools = currentTools();
      toolsByName = new Map(tools.map((tool) => [tool.name, tool]));
      const toolSpecs: ToolSpec[] = tools.map(toolSpecOf);
      const sent = malformedNote ? withNote(messages, malformedNote) : messages;
      const stream = model.stream({ system, messages: sent, tools: toolSpecs }, signal);
      for await (const event of stream) {
        options.onAnswering?.();
        switch (event.type) {
          case "text-delta":
            assistant.addText(event.text);
            yield event;
            break;
          case "reasoning-delta":
            assistant.addReasoning(event.text, event.providerMetadata);
            yield { type: "reasoning-delta", text: event.text };
            break;
          case "tool-call":
            assistant.addToolCall({
              type: "tool-call",
              toolCallId: event.toolCallId,
              toolName: event.toolName,
              input: event.input,
              ...(event.providerMetadata ? { providerMetadata: event.providerMetadata } : {}),
            });
            break;
          case "retry":
            // The request starts over: what streamed so far is void (each mode marks it dropped).
            assistant.reset();
            failedAttempts++;
            yield { ...event, attempt: failedAttempts };
            break;
          case "finish":
            usage = event.usage;
            finish = event;
            break;
        }
      }
    } catch (caught) {
      let error = caught;
      if (error instanceof ContextOverflowError && !overflowRetried && options.hooks?.fitContext) {
        overflowRetried = true;
        let fitted: Message[] | undefined;
        try {
          fitted = yield* options.hooks.fitContext(messages, "overflow", signal);
        } catch (fitError) {
          // An abort while making room ends the run as an abort; the provider's refusal is what is reported otherwise.
          if (isAbortError(fitError) || signal.aborted) error = fitError;
        }
        if (fitted) {
          messages.splice(0, messages.length, ...fitted);
          // The same request again, smaller: it does not count as another turn.
          turn--;
          continue;
        }
      }
      const aborted = isAbortError(error) || signal.aborted;
      // Keep what the user already saw (text only: half-streamed tool calls are dropped).
      const partial = assistant.toMessage({ withToolCalls: false });
      if (partial) {
        messages.push(partial);
        yield { type: "message", message: partial };
      }
      if (aborted) {
        yield done("aborted");
      } else {
        yield { type: "error", message: errorMessage(error), fatal: true };
        yield done("error");
      }
      return;
    }

    overflowRetried = false;
    if (usage) {
      const cost = costOf(usage, model.info);
      totalUsage = addUsage(totalUsage, usage);
      totalCost += cost;
      yield { type: "usage", usage, costUsd: cost };
    }

    const ending = finish?.ending;
    // TACIT_MAX_RETRIES=0 asks for no request tacit makes again by itself, this one included.
    if (finish && ending === "malformed-call" && !malformedNote && (model.maxRetries ?? 1) > 0) {
      // Nothing of it is usable or kept, as for any failed attempt; a second one ends the turn below.
      malformedNote = malformedCallNote(finish.rawReason, finish.finishMessage);
      const word = finish.rawReason ? ` (${finish.rawReason})` : "";
      failedAttempts++;
      yield { type: "retry", attempt: failedAttempts, delayMs: 0, reason: `${MALFORMED_CALL_RETRY}${word}` };
      // The same request again: it does not count as another turn (num_turns, --max-turns).
      turn--;
      continue;
    }
    const retried = malformedNote !== undefined;
    malformedNote = undefined;
    failedAttempts = 0;
    const message = assistant.toMessage({ withToolCalls: true }) ?? { role: "assistant", content: [] };
    // An answer that ended short is stored even when nothing of it came whole: the ending is the record.
    if (finish && ending) {
      message.ending = ending;
      message.content.push(...unfinishedCalls(finish.unfinishedToolCalls ?? []));
    }
    if (message.content.length > 0 || ending) {
      messages.push(message);
      yield { type: "message", message };
    }
    if (finish && ending) {
      yield* endShort(messages, turn, message, ending, finish, {
        compactsNext: options.compactsNextTurn === true,
        retried,
      });
      yield done(ending);
      return;
    }
    const toolCalls = message.content.filter((part): part is ToolCallPart => part.type === "tool-call");
    if (toolCalls.length === 0) {
      yield { type: "turn-end", turn, message };
      yield done("stop");
      return;
    }

    const results: ToolResultPart[] = [];
    let stopReason: string | undefined;
    for await (const event of executeToolCalls(
      toolCalls,
      toolsByName,
      toolContext,
      options.hooks?.beforeToolCall,
      options.hooks?.afterToolCall,
      options.hooks?.toolHooks,
    )) {
      if (event.type === "result") results.push(event.result);
      else if (event.type === "stop") stopReason ??= event.reason;
      else {
        // A subagent's requests are this run's spending too (its transcript is not this conversation).
        const inner = event.event.type === "subagent" ? event.event.event : undefined;
        if (inner?.type === "usage") {
          totalUsage = addUsage(totalUsage, inner.usage);
          totalCost += inner.costUsd;
        }
        yield event.event;
      }
    }
    // Every tool call is answered exactly once, in the order the model made them.
    const ordered = toolCalls.map(
      (call) =>
        results.find((result) => result.toolCallId === call.toolCallId) ?? {
          type: "tool-result" as const,
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          output: INTERRUPTED_RESULT,
          isError: true,
        },
    );
    const toolMessage: ToolMessage = { role: "tool", content: ordered };
    messages.push(toolMessage);
    yield { type: "message", message: toolMessage };
    yield { type: "turn-end", turn, message, toolResults: toolMessage };
    if (stopReason !== undefined) {
      // A hook's `continue: false`: every call was answered, so the conversation stays whole.
      yield { type: "notice", level: "warning", text: `A hook stopped the agent: ${stopReason}` };
      yield done("stop");
      return;
    }
  }
}

/** Builds the assistant message from stream deltas, merging consecutive text and reasoning. */
class AssistantAccumulator {
  private parts: Array<TextPart | ReasoningPart | ToolCallPart> = [];

  addText(text: string): void {
    const last = this.parts.at(-1);
    if (last?.type === "text") last.text += text;
    else this.parts.push({ type: "text", text });
  }

  addReasoning(text: string, providerMetadata?: Record<string, unknown>): void {
    const last = this.parts.at(-1);
    if (last?.type === "reasoning") {
      last.text += text;
      if (providerMetadata) last.providerMetadata = providerMetadata;
    } else {
      this.parts.push({ type: "reasoning", text, ...(providerMetadata ? { providerMetadata } : {}) });
    }
  }

  addToolCall(call: ToolCallPart): void {
    this.parts.push(call);
  }

  reset(): void {
    this.parts = [];
  }

  toMessage(options: { withToolCalls: boolean }): AssistantMessage | undefined {
    const content = this.parts.filter(
      (part) =>
        (part.type !== "tool-call" || options.withToolCalls) && (part.type !== "text" || part.text !== ""),
    );
    return content.length > 0 ? { role: "assistant", content } : undefined;
  }
}
