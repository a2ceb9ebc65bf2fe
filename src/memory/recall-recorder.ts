import type { DatabaseSync } from "node:sqlite";
import { recordRecalls } from "../session/recall-log.ts";

/**
 * Tells the recall log (session/recall-log.ts) which memories were put before the model: recall
 * adding them to a user turn, and the model viewing one with the memory tool. The agent session says
 * when a user turn begins; the recall and the tool only name the memories, so neither needs the
 * database nor has to know which turn it is in.
 */
export interface RecallRecorder {
  /** A user turn of this session begins (1 for its first): what is recalled until the next counts in it. */
  beginTurn(sessionId: string, turn: number): void;
  /** These memories ("<scope>/<name>") were put before the model in the current turn. */
  recalled(memoryIds: readonly string[]): void;
}

/**
 * The recorder that writes to tacit's database. Recording is bookkeeping: a database that is busy or
 * read-only must not cost the user their turn, so a failed write is dropped (and said once).
 */
export function databaseRecallRecorder(
  database: DatabaseSync,
  options: { now?: () => Date; onError?: (line: string) => void } = {},
): RecallRecorder {
  const now = options.now ?? (() => new Date());
  let current: { sessionId: string; turn: number } | undefined;
  let failed = false;
  return {
    beginTurn(sessionId, turn) {
      current = { sessionId, turn };
    },
    recalled(memoryIds) {
      if (!current || memoryIds.length === 0) return;
      const at = now().toISOString();
      const { sessionId, turn } = current;
      try {
        recordRecalls(
          database,
          memoryIds.map((memoryId) => ({ memoryId, sessionId, turn, at })),
        );
      } catch (error) {
        if (failed) return;
        failed = true;
        options.onError?.(`recalls were not recorded: ${(error as Error).message}`);
      }
    },
  };
}
