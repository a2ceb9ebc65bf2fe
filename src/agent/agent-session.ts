import type { AgentEvent } from "../core/events.ts";
import { type Message, userMessage } from "../core/messages.ts";
import type { ModelClient } from "../core/model.ts";
import type { Tool, ToolSessionState } from "../core/tool.ts";
import { newToolSessionState } from "../core/tool.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import type { SessionStore } from "../session/store.ts";
import { type LoopHooks, runAgent } from "./loop.ts";
import type { PermissionGate } from "./permission-gate.ts";

export interface AgentSessionOptions {
  model: ModelClient;
  /** Builds the tool set for a model (tool names and schemas depend on the model family). */
  toolsFor(model: ModelClient): Tool[];
  /** Builds the system prompt for a model; called again when the model changes. */
  systemPromptFor(model: ModelClient): string;
  store: SessionStore;
  sessionId: string;
  /** Messages of a resumed session. */
  history?: Message[];
  gate: PermissionGate;
  cwd: string;
  projectRoot: string;
  maxTurns?: number;
  /** Shapes each request (recall); the stored conversation is not changed. */
  transformContext?: LoopHooks["transformContext"];
}

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
  private readonly toolState: ToolSessionState = newToolSessionState();
  private usageTotal: Usage = emptyUsage();
  private costTotal = 0;
  /** Input tokens of the last request: how full the context window is. */
  private lastInputTokens = 0;

  private readonly options: AgentSessionOptions;

  constructor(options: AgentSessionOptions) {
    this.options = options;
    this.model = options.model;
    this.tools = options.toolsFor(options.model);
    this.system = options.systemPromptFor(options.model);
    this.messages = [...(options.history ?? [])];
  }

  get sessionId(): string {
    return this.options.sessionId;
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

  get totals(): { usage: Usage; costUsd: number; contextTokens: number } {
    return { usage: this.usageTotal, costUsd: this.costTotal, contextTokens: this.lastInputTokens };
  }

  /** Switches model mid-session; the conversation (and memory) carry over. */
  switchModel(model: ModelClient): void {
    this.model = model;
    this.tools = this.options.toolsFor(model);
    this.system = this.options.systemPromptFor(model);
  }

  /** Runs one user turn, yielding the loop's events and persisting as it goes. */
  async *prompt(text: string, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const user = userMessage(text);
    this.messages.push(user);
    this.options.store.appendMessage(this.sessionId, user, this.model.info.ref);

    const events = runAgent({
      model: this.model,
      system: this.system,
      messages: this.messages,
      tools: this.tools,
      toolContext: { cwd: this.options.cwd, projectRoot: this.options.projectRoot, state: this.toolState },
      signal,
      hooks: {
        beforeToolCall: (tool, input, context) => this.options.gate.check(tool, input, context),
        ...(this.options.transformContext ? { transformContext: this.options.transformContext } : {}),
      },
      ...(this.options.maxTurns !== undefined ? { maxTurns: this.options.maxTurns } : {}),
    });

    for await (const event of events) {
      if (event.type === "message") {
        this.messages.push(event.message);
        this.options.store.appendMessage(this.sessionId, event.message, this.model.info.ref);
      } else if (event.type === "usage") {
        this.usageTotal = addUsage(this.usageTotal, event.usage);
        this.costTotal += event.costUsd;
        this.lastInputTokens = event.usage.inputTokens + event.usage.outputTokens;
        this.options.store.recordUsage(this.sessionId, this.model.info.ref, event.usage, event.costUsd);
      }
      yield event;
    }
  }
}
