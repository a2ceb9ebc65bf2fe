import {
  type AgentContext,
  type PromptRequest,
  type PromptResponse,
  RequestError,
  type SessionModeState,
  type SessionUpdate,
} from "@agentclientprotocol/sdk";
import { endingLine } from "../../agent/model-ending.ts";
import type { DoneReason } from "../../core/events.ts";
import { printStderrLine } from "../../core/terminal-safe.ts";
import { AnswerMessages } from "./answer-messages.ts";
import { eventUpdates, stopReasonOf, type UpdateContext } from "./event-updates.ts";
import { promptText } from "./prompt-text.ts";
import { replayUpdates } from "./replay.ts";
import type { AcpSessionHost } from "./session-host.ts";
import { modeState, offeredMode } from "./session-modes.ts";

/** Logs go to stderr: stdout carries nothing but the protocol. */
function log(line: string): void {
  printStderrLine(line);
}

/**
 * One ACP session over one tacit session: its turns (one at a time), their cancellation, its
 * permission mode. The tacit session id is the ACP session id, so session/load finds it again.
 */
export class AcpSession {
  private readonly host: AcpSessionHost;
  private readonly client: () => AgentContext;
  private readonly updateContext: UpdateContext;
  private turn: AbortController | undefined;
  /** Settles when the running turn has stopped: the session is closed only after it. */
  private running: Promise<unknown> = Promise.resolve();

  constructor(host: AcpSessionHost, client: () => AgentContext) {
    this.host = host;
    this.client = client;
    this.updateContext = {
      tools: () => host.session.toolList,
      cwd: host.cwd,
      projectRoot: host.projectRoot,
    };
  }

  get id(): string {
    return this.host.session.sessionId;
  }

  get modes(): SessionModeState {
    return modeState(this.host.gate.mode, this.host.startMode);
  }

  /** session/load: the stored conversation, as updates, before the load's response. */
  async replay(): Promise<void> {
    for (const update of replayUpdates(this.host.history(), this.updateContext)) await this.send(update);
  }

  prompt(request: PromptRequest): Promise<PromptResponse> {
    if (this.turn)
      throw RequestError.invalidRequest(undefined, "a prompt is already running in this session");
    const text = promptText(request.prompt);
    const turn = new AbortController();
    this.turn = turn;
    const result = this.runTurn(text, turn);
    this.running = result.catch(() => undefined);
    return result;
  }

  private async runTurn(text: string, turn: AbortController): Promise<PromptResponse> {
    let reason: DoneReason = "stop";
    let failure: string | undefined;
    let lastWarning: string | undefined;
    const answers = new AnswerMessages();
    try {
      for await (const event of this.host.aroundTurn(this.host.session.prompt(text, turn.signal))) {
        for (const update of answers.updates(event, eventUpdates(event, this.updateContext)))
          await this.send(update);
        if (event.type === "done") reason = event.reason;
        else if (event.type === "error" && event.fatal) failure = event.message;
        else if (event.type === "notice") {
          log(`${event.level}: ${event.text}`);
          if (event.level === "warning") lastWarning = event.text;
        } else if (event.type === "error") log(`error: ${event.message}`);
      }
    } finally {
      this.turn = undefined;
    }
    if (turn.signal.aborted) return { stopReason: "cancelled" };
    // What the model was sent and said so far is stored; the client gets the one line that says what failed.
    if (reason === "error") throw RequestError.internalError(undefined, failure ?? "the turn failed");
    // ACP has no stop reason for an answer whose tool call the provider could not read, even on a retry:
    // "refusal" would blame the model's will and end_turn would hide it, so the editor gets the line.
    if (reason === "malformed-call")
      throw RequestError.internalError(undefined, lastWarning ?? endingLine(reason));
    return { stopReason: stopReasonOf(reason) };
  }

  /** session/cancel: the running turn stops (its tool calls and commands with it); the prompt answers cancelled. */
  cancel(): void {
    this.turn?.abort();
  }

  setMode(modeId: string): void {
    const mode = offeredMode(modeId, this.host.startMode);
    if (!mode) throw RequestError.invalidParams(undefined, `no mode "${modeId}" in this session`);
    this.host.gate.setMode(mode);
  }

  /** The client is gone: the turn stops, then the session ends as any session does (reflection, database). */
  async close(): Promise<void> {
    this.cancel();
    await this.running;
    this.host.close();
  }

  private async send(update: SessionUpdate): Promise<void> {
    await this.client().notify("session/update", { sessionId: this.id, update });
  }
}
