import { isCompactionSummary } from "../agent/compaction.ts";
import type { CompactionSave, SaveBeforeCompaction } from "../agent/compaction-save.ts";
import { ReflectionError, reflectOn } from "../agent/reflection/reflect.ts";
import { touchedMemories } from "../agent/reflection/touched-memories.ts";
import type { Settings } from "../config/settings.ts";
import { isAbortError } from "../core/errors.ts";
import type { ModelClient } from "../core/model.ts";
import { emptyUsage } from "../core/usage.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import { LockBusyError, withLockFile } from "../memory/scope-lock.ts";
import type { ReflectionLedger } from "../session/reflection-ledger.ts";
import type { SessionStore } from "../session/store.ts";
import { learningWiring } from "./learning-wiring.ts";
import { failureLine, reflectionLockPath } from "./reflection-runner.ts";

export interface CompactionSaverInput {
  home: string;
  memory: MemoryService;
  settings: Settings;
  store: SessionStore;
  ledger: ReflectionLedger;
  /** The session's model now (it may have been switched since the start) and its id. */
  currentModel(): ModelClient;
  sessionId(): string;
  /** Resolves `reflection.model`, with the run's settings and env. */
  resolve(ref: string): ModelClient;
  /**
   * How long to wait for a reflection of this session already running (the TUI's idle one) before
   * giving up with a warning; the session's reflection at its end then covers the rest. Default 60 s.
   */
  lockWaitMs?: number;
  env: NodeJS.ProcessEnv;
}

/**
 * What the session runs before compaction drops its conversation: a
 * reflection pass (purpose "compaction") in this process, since it must
 * finish before the drop, with `reflection.model` or else the session's
 * model. It reads the stored transcript from where the reflection ledger says
 * the session was last reflected on (redacted, and holding the conversation
 * about to go plus any earlier part a failed save left), and records how far
 * it read, so the session's reflection at its end does not read that part
 * again. `reflection.minUserTurns` does not apply: what is dropped is lost
 * however short the session. Off with `reflection.enabled: false`.
 */
export function compactionSaver(input: CompactionSaverInput): SaveBeforeCompaction | undefined {
  if (input.settings.reflection?.enabled === false) return undefined;
  return async (_conversation, signal) => {
    const sessionId = input.sessionId();
    try {
      return await withLockFile(reflectionLockPath(input.home, sessionId), () => save(sessionId, signal), {
        timeoutMs: input.lockWaitMs ?? 60_000,
      });
    } catch (error) {
      if (error instanceof LockBusyError) {
        return { memoriesSaved: 0, failure: "another reflection of this session is still running" };
      }
      throw error;
    } finally {
      // Recall searches the index: from the next turn on it finds what was just saved.
      input.memory.syncIndex();
    }
  };

  async function save(sessionId: string, signal: AbortSignal): Promise<CompactionSave> {
    const { after, stored } = input.ledger.unreflected(input.store, sessionId);
    // An earlier summary is what a previous compaction kept: what it came from was reflected on then.
    const messages = stored.map((each) => each.message).filter((message) => !isCompactionSummary(message));
    if (messages.length === 0) return { memoriesSaved: 0 };
    const reflectionModel = input.settings.reflection?.model;
    const model = reflectionModel ? input.resolve(reflectionModel) : input.currentModel();
    const runId = input.ledger.begin(
      sessionId,
      { afterSeq: after, uptoSeq: stored.at(-1)!.seq },
      model.info.ref,
    );
    try {
      const outcome = await reflectOn({
        model,
        memory: input.memory,
        signal,
        sessionLabel: sessionId,
        purpose: "compaction",
        messages,
        touchedMemories: touchedMemories(messages),
        // As after a session: project-scope changes wait in the inbox, skills follow the same rule.
        ...learningWiring({
          memory: input.memory,
          settings: input.settings,
          tacitHome: input.home,
          env: input.env,
          sessionLabel: sessionId,
        }),
      });
      input.ledger.finish(runId, outcome);
      return { memoriesSaved: outcome.changes.length };
    } catch (error) {
      const partial =
        error instanceof ReflectionError ? error.partial : { changes: [], usage: emptyUsage(), costUsd: 0 };
      // Shown now, as a warning (or the user interrupted it): not again at the next start. The range
      // stays unreflected, so the session's own reflection covers it later.
      input.ledger.fail(runId, isAbortError(error) ? "interrupted" : failureLine(error), partial, true);
      if (error instanceof ReflectionError) {
        return { memoriesSaved: partial.changes.length, failure: error.message };
      }
      throw error;
    }
  }
}
