import { errorMessage, isAbortError } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import type { Message } from "../core/messages.ts";

/**
 * Compaction drops the conversation for a summary, and a summary leaves
 * things out. So before the drop, what matters in it is saved into memory
 * (in tacit, a reflection pass wired in cli/compaction-saver.ts; this layer
 * knows only the function). A failed save is a warning: the context still
 * has to be made smaller, and compaction goes on.
 */

/** What saving before compaction did. */
export interface CompactionSave {
  /** Memory changes the save made (added, updated, merged or retired memories). */
  memoriesSaved: number;
  /**
   * Set when the save failed part-way: memoriesSaved says what it changed before that. Shown as a
   * warning, like a save that failed outright. (What a save spends is the saver's to record: in
   * tacit, the reflection ledger, which /cost reads.)
   */
  failure?: string;
}

/**
 * Saves what matters from the conversation about to be replaced by a
 * summary. `messages` is that conversation as the model has it now (every
 * message of it is already stored, so a saver may read the stored, redacted
 * transcript instead, as tacit's does); the promise must settle before
 * compaction goes on, so nothing is dropped before it is saved.
 */
export type SaveBeforeCompaction = (
  messages: readonly Message[],
  signal: AbortSignal,
) => Promise<CompactionSave>;

/** Runs the save; a failure becomes a warning notice and no memories saved. An abort is passed on. */
export async function* saveBeforeDropping(
  save: SaveBeforeCompaction,
  messages: readonly Message[],
  signal: AbortSignal,
): AsyncGenerator<AgentEvent, CompactionSave> {
  let saved: CompactionSave;
  try {
    saved = await save(messages, signal);
  } catch (error) {
    if (signal.aborted || isAbortError(error)) throw error;
    saved = { memoriesSaved: 0, failure: errorMessage(error) };
  }
  if (saved.failure !== undefined) yield failedSaveNotice(saved);
  return saved;
}

function failedSaveNotice(saved: CompactionSave): AgentEvent {
  const partly = saved.memoriesSaved > 0 ? ` after ${saved.memoriesSaved} memory changes` : "";
  return {
    type: "notice",
    level: "warning",
    text: `Could not save what matters to memory before compacting (${saved.failure}${partly}); compacting anyway.`,
  };
}
