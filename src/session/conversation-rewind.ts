import type { DatabaseSync } from "node:sqlite";
import { transaction } from "./database.ts";

/**
 * Takes the messages from fromSeq on out of the session: they move to
 * rewound_messages (kept, never sent again), so a resumed session starts
 * where the rewind left it. Sequence numbers are not reused (store.ts
 * appendMessage counts the rewound ones too), so the reflection ledger's
 * "read up to" stays true. Returns the numbers moved.
 */
export function rewindConversation(
  database: DatabaseSync,
  sessionId: string,
  fromSeq: number,
  at: number = Date.now(),
): number[] {
  return transaction(database, () => {
    const moved = database
      .prepare("SELECT seq FROM messages WHERE session_id = ? AND seq >= ? ORDER BY seq")
      .all(sessionId, fromSeq)
      .map((row) => Number(row.seq));
    database
      .prepare(
        `INSERT OR REPLACE INTO rewound_messages (session_id, seq, role, content, created_at, model, ending, rewound_at)
         SELECT session_id, seq, role, content, created_at, model, ending, ? FROM messages
         WHERE session_id = ? AND seq >= ?`,
      )
      .run(at, sessionId, fromSeq);
    database.prepare("DELETE FROM messages WHERE session_id = ? AND seq >= ?").run(sessionId, fromSeq);
    return moved;
  });
}

/** When the session's conversation was last rewound (by any process); 0 when never. */
export function lastRewindAt(database: DatabaseSync, sessionId: string): number {
  const row = database
    .prepare("SELECT MAX(rewound_at) AS at FROM rewound_messages WHERE session_id = ?")
    .get(sessionId);
  return Number(row?.at ?? 0);
}
