import { randomUUID } from "node:crypto";
import type { SessionUpdate } from "@agentclientprotocol/sdk";
import type { AgentEvent } from "../../core/events.ts";
import { retryLine } from "../retry-line.ts";

/**
 * Keeps each answer's text apart in the editor. Every model request's text chunks carry a messageId
 * of their own (ACP: a new id starts a new message). A request that is retried after it streamed text
 * (a cut stream, a call the provider could not read) cannot take those chunks back, and the retry's
 * answer would read as their sequel ("I will list the files now.Three files."): its message ends with
 * the retry's line as one more chunk, so an editor that ignores message ids shows it too. The stored
 * session has only the answer that came whole.
 */
export class AnswerMessages {
  private messageId = randomUUID();
  private streamed = false;

  /** The updates for one loop event, given those event-updates.ts made of it. */
  updates(event: AgentEvent, updates: SessionUpdate[]): SessionUpdate[] {
    if (event.type === "turn-start") this.startMessage();
    else if (event.type === "retry") {
      if (!this.streamed) return updates;
      const line = this.chunk(`\n\n(${retryLine(event, true)})\n\n`);
      this.startMessage();
      return [...updates, line];
    }
    return updates.map((update) => {
      if (update.sessionUpdate !== "agent_message_chunk") return update;
      this.streamed = true;
      return { ...update, messageId: this.messageId };
    });
  }

  private startMessage(): void {
    this.messageId = randomUUID();
    this.streamed = false;
  }

  private chunk(text: string): SessionUpdate {
    return {
      sessionUpdate: "agent_message_chunk",
      content: { type: "text", text },
      messageId: this.messageId,
    };
  }
}
