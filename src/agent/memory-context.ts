import type { AgentEvent } from "../core/events.ts";
import { messageText } from "../core/messages.ts";
import { type MemoryService, parseMemoryDocumentId } from "../memory/memory-service.ts";
import type { RecallRecorder } from "../memory/recall-recorder.ts";
import type { TurnContextSource } from "./turn-context.ts";

export interface MemoryContextOptions {
  /** memory.recall: whether each user turn recalls memories and past turns. */
  recall: boolean;
  /** The session the turn belongs to: its own transcript is already in context, so not recalled. */
  sessionId(): string;
  /**
   * Memories and passages already recalled into this conversation, so not
   * recalled twice. Shared with the session, which empties it when the
   * conversation they were in is replaced (compaction, another session).
   */
  recalledIds: Set<string>;
  /** Told which memories recall put into the turn (past turns are not memories, so not told). */
  recorder?: RecallRecorder;
}

/**
 * The memory's part of each user turn: what recall finds for the user's words
 * (shown to the user as a "recall" event, added to the message for the model),
 * and the warnings the memory kept since the last turn (an embedding endpoint
 * that failed, now or in the background), said once and never fatal.
 */
export function memoryTurnContext(memory: MemoryService, options: MemoryContextOptions): TurnContextSource {
  return {
    name: "recall",
    async gather(prompt, signal) {
      const events: AgentEvent[] = [];
      let text: string | undefined;
      if (options.recall) {
        const recall = await memory.recall(messageText(prompt), {
          excludeIds: [...options.recalledIds],
          currentSessionId: options.sessionId(),
          signal,
        });
        if (recall.items.length > 0) {
          for (const item of recall.items) options.recalledIds.add(item.id);
          options.recorder?.recalled(recalledMemoryIds(recall.items));
          text = recall.text;
          events.push({ type: "recall", items: recall.items });
        }
      }
      for (const warning of memory.takeWarnings())
        events.push({ type: "notice", level: "warning", text: warning });
      return text ? { text, events } : { events };
    },
  };
}

/** "<scope>/<name>" of each recalled memory, as the recall log names them. */
function recalledMemoryIds(items: readonly { id: string }[]): string[] {
  return items.flatMap((item) => {
    const memory = parseMemoryDocumentId(item.id);
    return memory ? [`${memory.scope}/${memory.name}`] : [];
  });
}
