import { isCompactionSummary } from "../agent/compaction.ts";
import type { SaveBeforeCompaction } from "../agent/compaction-save.ts";
import { ReflectionError, reflectOn } from "../agent/reflection/reflect.ts";
import type { Settings } from "../config/settings.ts";
import type { ModelClient } from "../core/model.ts";
import type { MemoryService } from "../memory/memory-service.ts";

export interface CompactionSaverInput {
  memory: MemoryService;
  settings: Settings;
  /** The session's model now (it may have been switched since the start) and its id. */
  currentModel(): ModelClient;
  sessionId(): string;
  /** Resolves `reflection.model`, with the run's settings and env. */
  resolve(ref: string): ModelClient;
}

/**
 * What the session runs before compaction drops its conversation: a
 * reflection pass over it (purpose "compaction"), in this process, since it
 * must finish before the drop. It uses `reflection.model` when set, else the
 * session's model, and writes through the memory tool as actor "reflection".
 * Off with `reflection.enabled: false`.
 */
export function compactionSaver(input: CompactionSaverInput): SaveBeforeCompaction | undefined {
  if (input.settings.reflection?.enabled === false) return undefined;
  return async (messages, signal) => {
    // An earlier summary is what a previous compaction kept: what it came from was saved then.
    const dropped = messages.filter((message) => !isCompactionSummary(message));
    if (dropped.length === 0) return { memoriesSaved: 0 };
    const reflectionModel = input.settings.reflection?.model;
    const model = reflectionModel ? input.resolve(reflectionModel) : input.currentModel();
    try {
      const outcome = await reflectOn({
        model,
        memory: input.memory,
        signal,
        sessionLabel: input.sessionId(),
        purpose: "compaction",
        messages: dropped,
      });
      return { memoriesSaved: outcome.changes.length };
    } catch (error) {
      // Part of it may have been saved before the model failed: counted, and the failure said.
      if (error instanceof ReflectionError)
        return { memoriesSaved: error.partial.changes.length, failure: error.message };
      throw error;
    } finally {
      // Recall searches the index: it sees what was just saved from the next turn on.
      input.memory.syncIndex();
    }
  };
}
