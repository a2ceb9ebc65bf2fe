import type { AgentEvent, CompactTrigger } from "../core/events.ts";
import type { Message, UserMessage } from "../core/messages.ts";
import type { ModelClient } from "../core/model.ts";
import type { Tool, ToolSessionState } from "../core/tool.ts";
import { newToolSessionState } from "../core/tool.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import type { AgentSessionOptions, TurnOptions } from "./agent-session-options.ts";
import { attachmentSource } from "./attachments/attachment-source.ts";
import { type Checkpointer, checkThenSnapshot } from "./checkpoint-recorder.ts";
import {
  compactConversation,
  continueAfterSummary,
  conversationAfterCompaction,
  estimateMessageTokens,
  isCompactionSummary,
} from "./compaction.ts";
import { type CompactionSave, saveBeforeDropping } from "./compaction-save.ts";
import { beforeTurnCompaction, modelOfLastAnswer } from "./compaction-trigger.ts";
import { cutToFit } from "./context-trim.ts";
import { answerDanglingToolCalls } from "./conversation-repair.ts";
import { turnWithHooks } from "./hooks/agent-hooks.ts";
import { runAgent } from "./loop.ts";
import { userTurns } from "./reflection/digest.ts";
import { sessionParts } from "./session-parts.ts";
import type { AfterToolCall } from "./tool-calls.ts";
import type { TurnContextSource } from "./turn-context.ts";

const OVERFLOW_NOTICE =
  "The provider refused the request as too long for the context window: making room, then sending it again.";

/** Compact before a turn once the last request used this share of the context window. */
const AUTO_COMPACT_RATIO = 0.85;

export type { AgentSessionOptions, TurnOptions } from "./agent-session-options.ts";

/**
 * One conversation: the loop plus everything around it that every mode needs —
 * persisting each message and usage record as it happens, tools and system
 * prompt for the current model, and switching models mid-session.
 */
export class AgentSession {
  private model: ModelClient;
  private tools: Tool[];
  private system: string;
  private readonly messages: Message[];
  private toolState: ToolSessionState = newToolSessionState();
  private currentSessionId: string;
  private usageTotal: Usage = emptyUsage();
  private costTotal = 0;
  /** Input tokens of the last request: how full the context window is. */
  private lastInputTokens = 0;
  /** Estimated tokens of the messages added since that request (tool results, mostly). */
  private tokensSinceLastRequest = 0;
  /** Set when compaction failed in this turn (before it or within): the rest of the turn trims instead of asking again. */
  private compactionFailedThisTurn = false;
  /** Memories and passages already recalled into this conversation: not recalled twice. */
  private readonly recalledIds = new Set<string>();
  /** The user turns of the current session so far (the recall log numbers recalls by them). */
  private userTurn: number;
  /** The seq of the message stored last: a file write is recorded against the message that asked for it. */
  private lastStoredSeq: number | undefined;
  /** The seq of the user message that began the running turn: checkpoints are kept per turn. */
  private turnSeq: number | undefined;
  private readonly checkpointer: Checkpointer | undefined;

  private readonly options: AgentSessionOptions;
  /** What each user turn adds to the user's message for the model (loop.ts, turn-context.ts). */
  private readonly turnContext: TurnContextSource[];
  private readonly afterToolCall: AfterToolCall | undefined;

  constructor(options: AgentSessionOptions) {
    this.options = options;
    this.model = options.model;
    this.tools = options.toolsFor(options.model);
    this.system = options.systemPromptFor(options.model);
    this.currentSessionId = options.sessionId;
    const parts = sessionParts(options, {
      sessionId: () => this.currentSessionId,
      recalledIds: this.recalledIds,
      turnSeq: () => this.turnSeq,
      lastSeq: () => this.lastStoredSeq,
    });
    this.turnContext = parts.turnContext;
    this.checkpointer = parts.checkpointer;
    this.afterToolCall = parts.afterToolCall;
    this.messages = answerDanglingToolCalls(conversationAfterCompaction(options.history ?? []));
    this.userTurn = userTurns(options.history ?? []);
    // A resumed conversation is already this big: automatic compaction must see it on the first turn.
    this.lastInputTokens = this.messages.length > 0 ? this.estimateContextTokens() : 0;
  }

  get sessionId(): string {
    return this.currentSessionId;
  }

  get currentModel(): ModelClient {
    return this.model;
  }

  get conversation(): readonly Message[] {
    return this.messages;
  }

  get systemPrompt(): string {
    return this.system;
  }

  get toolList(): readonly Tool[] {
    return this.tools;
  }

  /** Its checkpoint and edit-record hooks, which a subagent's calls go through too (subagents/runner.ts). */
  get fileChangeHooks(): {
    checkpointer: Checkpointer | undefined;
    afterToolCall: AfterToolCall | undefined;
  } {
    return { checkpointer: this.checkpointer, afterToolCall: this.afterToolCall };
  }

  get totals(): { usage: Usage; costUsd: number; contextTokens: number } {
    return { usage: this.usageTotal, costUsd: this.costTotal, contextTokens: this.lastInputTokens };
  }

  /** Switches model mid-session; the conversation (and memory) carry over. */
  switchModel(model: ModelClient): void {
    this.model = model;
    this.tools = this.options.toolsFor(model);
    this.system = this.options.systemPromptFor(model);
  }

  /**
   * Continues as another stored session (a new empty one, or a resumed one):
   * the model, tools and system prompt stay; conversation, tool state and
   * totals are replaced. The caller has created or loaded the session in the store.
   */
  reset(sessionId: string, history: Message[] = [], totals?: { usage: Usage; costUsd: number }): void {
    this.currentSessionId = sessionId;
    this.lastStoredSeq = undefined;
    this.turnSeq = undefined;
    this.messages.splice(
      0,
      this.messages.length,
      ...answerDanglingToolCalls(conversationAfterCompaction(history)),
    );
    this.toolState = newToolSessionState();
    this.recalledIds.clear();
    this.userTurn = userTurns(history);
    this.usageTotal = totals?.usage ?? emptyUsage();
    this.costTotal = totals?.costUsd ?? 0;
    this.lastInputTokens = history.length > 0 ? this.estimateContextTokens() : 0;
  }

  /**
   * Compaction, whatever started it: what matters is saved to memory first
   * (saveBeforeCompaction), then the conversation is replaced by a summary
   * written by the current model, and the system prompt is built again so its
   * memory index names what was just saved. The stored transcript keeps every
   * message; the summary is appended to it as a marker, so resuming later
   * starts from the summary. Ends with a "compact" event; throws when the
   * summary could not be written (the conversation is then left as it was).
   */
  async *compactNow(trigger: CompactTrigger, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    if (this.messages.length === 0) throw new Error("nothing to compact: the conversation is empty");
    const tokensBefore = this.projectedContextTokens();
    yield* (await this.options.hooks?.beforeCompaction(trigger, signal)) ?? [];
    const save = this.options.saveBeforeCompaction;
    const saved: CompactionSave = save
      ? yield* saveBeforeDropping(save, this.messages, signal)
      : { memoriesSaved: 0 };
    const result = await compactConversation({ model: this.model, messages: this.messages, signal });
    // Between turns the summary is all; within a turn the newest step stays too (see continueAfterSummary).
    const continued =
      trigger === "before-turn" || trigger === "manual"
        ? [result.message]
        : continueAfterSummary(result.message, this.messages);
    this.addSpending(this.model.info.ref, result.usage, result.costUsd);
    this.messages.splice(0, this.messages.length, ...continued);
    this.record(result.message);
    // Recalled items lived in the messages just replaced, so they may be recalled again.
    this.recalledIds.clear();
    this.system = this.options.systemPromptFor(this.model);
    // The context now holds the system prompt, tools and the summary; the next request reports the real figure.
    this.lastInputTokens = this.estimateContextTokens();
    this.tokensSinceLastRequest = 0;
    yield* (await this.options.hooks?.sessionStarted("compact")) ?? [];
    yield {
      type: "compact",
      trigger,
      tokensBefore,
      tokensAfter: this.lastInputTokens,
      memoriesSaved: saved.memoriesSaved,
    };
  }

  /** /compact: the same path as automatic compaction, its events collected for the caller to show. */
  async compact(signal: AbortSignal): Promise<AgentEvent[]> {
    const events: AgentEvent[] = [];
    for await (const event of this.compactNow("manual", signal)) events.push(event);
    return events;
  }

  /** Counts a request made for the session outside the loop (a summary, a save) in its usage and cost. */
  private addSpending(model: string, usage: Usage, costUsd: number): void {
    this.usageTotal = addUsage(this.usageTotal, usage);
    this.costTotal += costUsd;
    this.options.store.recordUsage(this.sessionId, model, usage, costUsd);
  }

  /** What the next request will hold before any new message: system prompt, tools and conversation. */
  private estimateContextTokens(): number {
    return this.estimateFixedTokens() + estimateMessageTokens(this.messages);
  }

  /** The next request's size: the last request's real count plus what came since, or the estimate if larger. */
  private projectedContextTokens(): number {
    return Math.max(this.estimateContextTokens(), this.lastInputTokens + this.tokensSinceLastRequest);
  }

  /** The part of every request that is not conversation: system prompt and tool definitions. */
  private estimateFixedTokens(): number {
    const toolCharacters = this.tools.reduce((sum, tool) => sum + tool.description.length + 200, 0);
    return Math.ceil((this.system.length + toolCharacters) / 4);
  }

  /**
   * Before a turn, when the conversation is nearly full or the last answer filled this model's window
   * (compaction-trigger.ts), compacts first, instead of failing on "prompt too long". A failed
   * compaction is reported and, as within a turn, old tool results are cut instead: the turn's
   * refusals then never ask for a second summary (nor a second memory-save pass).
   */
  private async *compactIfNearlyFull(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const threshold = this.options.autoCompactRatio ?? AUTO_COMPACT_RATIO;
    const state = beforeTurnCompaction({
      messages: this.messages,
      contextTokens: this.lastInputTokens,
      window: this.model.info.contextWindow,
      threshold,
      model: this.model.info.ref,
      modelOfLastAnswer: () => modelOfLastAnswer(this.options.store, this.sessionId),
    });
    if (!state) return;
    const saving = this.options.saveBeforeCompaction ? "saving what matters to memory, then " : "";
    yield notice("info", `${state}: ${saving}compacting the conversation first.`);
    try {
      yield* this.compactNow("before-turn", signal);
    } catch (error) {
      if (signal.aborted) throw error;
      this.compactionFailedThisTurn = true;
      yield* this.cutOldToolResults(error, Math.floor(this.model.info.contextWindow * threshold * 0.6));
    }
  }

  /**
   * Within a turn, before each request and after a "prompt too long" refusal: compacts (keeping the newest
   * step), or, once compaction failed this turn, cuts old tool results. A one-prompt run with many large
   * reads thus keeps going instead of dying on the provider's 400.
   */
  private async *fitContext(
    reason: "before-request" | "overflow",
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent, Message[] | undefined> {
    const window = this.model.info.contextWindow;
    const threshold = this.options.autoCompactRatio ?? AUTO_COMPACT_RATIO;
    const full = this.projectedContextTokens() / window;
    if (reason === "before-request" && (threshold <= 0 || full < threshold)) return undefined;
    yield reason === "before-request"
      ? notice(
          "info",
          `The context is about ${Math.round(full * 100)}% full in the middle of a turn: making room first.`,
        )
      : notice("warning", OVERFLOW_NOTICE);
    let failure: unknown;
    if (!this.compactionFailedThisTurn) {
      try {
        yield* this.compactNow(reason === "overflow" ? "overflow" : "mid-turn", signal);
        return [...this.messages];
      } catch (error) {
        if (signal.aborted) throw error;
        this.compactionFailedThisTurn = true;
        failure = error;
      }
    }
    // Aim well below the threshold, so the next few results fit before this is needed again. After a
    // refusal the real window is smaller than the catalog says: halve what was sent.
    const target =
      reason === "overflow"
        ? Math.floor(this.projectedContextTokens() / 2)
        : Math.floor(window * (threshold > 0 ? threshold : AUTO_COMPACT_RATIO) * 0.6);
    return (yield* this.cutOldToolResults(failure, target)) ? [...this.messages] : undefined;
  }

  /** The fallback when a summary cannot be had (context-trim.ts cutToFit), the session's figures then estimated. */
  private async *cutOldToolResults(failure: unknown, target: number): AsyncGenerator<AgentEvent, boolean> {
    const cut = yield* cutToFit(this.messages, target, this.estimateFixedTokens(), failure);
    if (cut) {
      this.lastInputTokens = this.estimateContextTokens();
      this.tokensSinceLastRequest = 0;
    }
    return cut;
  }

  /**
   * Runs one user turn, yielding the loop's events and persisting as it goes. A turn with a job of its
   * own (tacit init) brings its tools and its context (the repository survey) for this turn only.
   */
  async *prompt(text: string, signal: AbortSignal, turn: TurnOptions = {}): AsyncGenerator<AgentEvent> {
    this.compactionFailedThisTurn = false;
    this.userTurn += 1;
    this.options.recallRecorder?.beginTurn(this.sessionId, this.userTurn);
    yield* this.compactIfNearlyFull(signal);
    // The loop adds the turn's context to the message and reports it (a "message" event, stored below).
    yield* turnWithHooks(this.options.hooks, {
      text,
      signal,
      context: [this.attachments(turn), ...this.turnContext, ...(turn.context ?? [])],
      run: (message, context) => this.runLoop(message, signal, { ...turn, context }),
    });
  }

  /** The turn's @mentions and --image files, judged by the session's gate, for the model current now. */
  private attachments(turn: TurnOptions): TurnContextSource {
    return attachmentSource({
      cwd: this.options.cwd,
      projectRoot: this.options.projectRoot,
      gate: this.options.gate,
      state: this.toolState,
      model: () => this.model.info,
      ...(this.options.files ? { files: this.options.files } : {}),
      ...(turn.images ? { images: turn.images } : {}),
      ...(turn.userPasted ? { userPasted: true } : {}),
      ...(turn.repositoryMentions ? { repositoryMentions: turn.repositoryMentions } : {}),
    });
  }

  /** One run of the loop for a message (turn.context: all of it), persisting each message and usage as it goes. */
  private async *runLoop(prompt: UserMessage, signal: AbortSignal, turn: TurnOptions) {
    const events = runAgent({
      model: this.model,
      // Read before each request: compaction within the turn builds the system prompt again.
      system: () => this.system,
      messages: this.messages,
      prompt,
      tools: turn.tools ? [...turn.tools] : () => [...this.tools, ...(this.options.liveTools?.tools() ?? [])],
      toolContext: {
        cwd: this.options.cwd,
        projectRoot: this.options.projectRoot,
        state: this.toolState,
        isReadDenied: (absolutePath) => this.options.gate.isReadDenied(absolutePath),
        ...(this.options.files ? { files: this.options.files } : {}),
      },
      signal,
      hooks: {
        beforeToolCall: checkThenSnapshot((...call) => this.options.gate.check(...call), this.checkpointer),
        ...(this.afterToolCall ? { afterToolCall: this.afterToolCall } : {}),
        ...(this.options.hooks ? { toolHooks: this.options.hooks.toolHooks } : {}),
        fitContext: (_messages, reason, fitSignal) => this.fitContext(reason, fitSignal),
        turnContext: turn.context ?? [],
      },
      ...(this.options.maxTurns !== undefined ? { maxTurns: this.options.maxTurns } : {}),
      ...(this.options.liveTools ? { onAnswering: () => this.options.liveTools?.onModelAnswering() } : {}),
      compactsNextTurn: (this.options.autoCompactRatio ?? AUTO_COMPACT_RATIO) > 0, // a ratio of 0: never
    });

    for await (const event of events) {
      if (event.type === "message") {
        this.messages.push(event.message);
        this.record(event.message);
        // The assistant message is in the request's output tokens already; what follows it is not.
        if (event.message.role !== "assistant")
          this.tokensSinceLastRequest += estimateMessageTokens([event.message]);
      } else if (event.type === "usage") {
        this.addSpending(this.model.info.ref, event.usage, event.costUsd);
        this.lastInputTokens = event.usage.inputTokens + event.usage.outputTokens;
        this.tokensSinceLastRequest = 0;
      } else if (event.type === "subagent" && event.event.type === "usage") {
        // A subagent's request costs the session, under its own model; it does not fill this context.
        this.addSpending(event.model, event.event.usage, event.event.costUsd);
      }
      yield event;
    }
  }

  /** Persists a message (redacted by the store) and indexes it for recall in later sessions. */
  private record(message: Message): void {
    // Indexed in the append's transaction: a message costs one durable commit (an fsync), not two,
    // and the first request of a run waits for one less.
    const sequence = this.options.store.appendMessage(
      this.sessionId,
      message,
      this.model.info.ref,
      (appended) => this.options.memory?.indexTranscript(this.sessionId, appended, message),
    );
    this.lastStoredSeq = sequence;
    if (message.role === "user" && !isCompactionSummary(message)) this.turnSeq = sequence;
  }
}

function notice(level: "info" | "warning", text: string): AgentEvent {
  return { type: "notice", level, text };
}
