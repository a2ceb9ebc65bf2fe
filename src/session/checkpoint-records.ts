import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * Checkpoints for /rewind (README "Checkpoints and /rewind"): for each user
 * turn (turn_seq, the seq of the user message that began it), each file the
 * agent was about to change, in the state it had before the turn's first
 * change to it (the first snapshot of a turn wins), and the state the agent
 * left it in after its latest call. The bytes live in the blob store
 * (checkpoint-blobs.ts), by sha256; a row names them.
 *
 * A state is a file (hash and size), absent (hash and size NULL), or too large
 * to keep (hash NULL, size set). after_* are NULL until the call finished.
 * checkpoint_shell counts the shell commands a turn ran: their effects are
 * never undone, and the list of turns says so.
 */
export const checkpointMigrations: readonly Migration[] = [
  {
    id: "checkpoints-001",
    up(database: DatabaseSync) {
      database.exec(`
        CREATE TABLE checkpoint_files (
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          turn_seq INTEGER NOT NULL,
          path TEXT NOT NULL,
          before_hash TEXT,
          before_size INTEGER,
          after_hash TEXT,
          after_size INTEGER,
          after_known INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (session_id, turn_seq, path)
        ) STRICT;
        CREATE INDEX checkpoint_files_by_path ON checkpoint_files (path, updated_at);
        CREATE INDEX checkpoint_files_by_age ON checkpoint_files (created_at);
        CREATE TABLE checkpoint_shell (
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          turn_seq INTEGER NOT NULL,
          commands INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (session_id, turn_seq)
        ) STRICT;
      `);
    },
  },
];

/** A file's state at one moment: its bytes (by hash), no file, or a file too large to keep. */
export type FileState =
  | { kind: "file"; hash: string; size: number }
  | { kind: "absent" }
  | { kind: "too-large"; size: number };

export function sameState(left: FileState, right: FileState): boolean {
  if (left.kind !== right.kind) return false;
  if (left.kind === "file" && right.kind === "file") return left.hash === right.hash;
  if (left.kind === "too-large" && right.kind === "too-large") return left.size === right.size;
  return true;
}

function stateOf(hash: unknown, size: unknown): FileState {
  if (typeof hash === "string") return { kind: "file", hash, size: Number(size) };
  if (size !== null && size !== undefined) return { kind: "too-large", size: Number(size) };
  return { kind: "absent" };
}

function columnsOf(state: FileState): [string | null, number | null] {
  if (state.kind === "file") return [state.hash, state.size];
  if (state.kind === "too-large") return [null, state.size];
  return [null, null];
}

/** What one turn changed, for the list of turns. */
export interface TurnChanges {
  paths: string[];
  /** Those of paths that were too large to snapshot: a rewind cannot put them back. */
  notKept: string[];
  shellCommands: number;
}

/** The only code that reads and writes checkpoint_files and checkpoint_shell. */
export class CheckpointRecords {
  private readonly database: DatabaseSync;

  constructor(database: DatabaseSync) {
    this.database = database;
  }

  hasSnapshot(sessionId: string, turnSeq: number, path: string): boolean {
    return (
      this.database
        .prepare("SELECT 1 FROM checkpoint_files WHERE session_id = ? AND turn_seq = ? AND path = ?")
        .get(sessionId, turnSeq, path) !== undefined
    );
  }

  /** The state before the turn's first change to the file; a later snapshot in the same turn is ignored. */
  snapshotBefore(sessionId: string, turnSeq: number, path: string, state: FileState, at: number): void {
    const [hash, size] = columnsOf(state);
    this.database
      .prepare(
        `INSERT OR IGNORE INTO checkpoint_files
           (session_id, turn_seq, path, before_hash, before_size, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(sessionId, turnSeq, path, hash, size, at, at);
  }

  /** What the agent left in the file after a call of the turn. */
  recordAfter(sessionId: string, turnSeq: number, path: string, state: FileState, at: number): void {
    const [hash, size] = columnsOf(state);
    this.database
      .prepare(
        `UPDATE checkpoint_files SET after_hash = ?, after_size = ?, after_known = 1, updated_at = ?
         WHERE session_id = ? AND turn_seq = ? AND path = ?`,
      )
      .run(hash, size, at, sessionId, turnSeq, path);
  }

  /** A rewind put the file back: that state is now what tacit last left in it. */
  recordRestored(path: string, state: FileState, at: number): void {
    const [hash, size] = columnsOf(state);
    this.database
      .prepare(
        `UPDATE checkpoint_files SET after_hash = ?, after_size = ?, after_known = 1, updated_at = ?
         WHERE rowid = (SELECT rowid FROM checkpoint_files WHERE path = ? ORDER BY updated_at DESC LIMIT 1)`,
      )
      .run(hash, size, at, path);
  }

  recordShell(sessionId: string, turnSeq: number, at: number): void {
    this.database
      .prepare(
        `INSERT INTO checkpoint_shell (session_id, turn_seq, commands, created_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (session_id, turn_seq) DO UPDATE SET commands = commands + 1`,
      )
      .run(sessionId, turnSeq, at);
  }

  /** The paths snapshotted in one turn (to refresh what a shell command of the turn left in them). */
  pathsOfTurn(sessionId: string, turnSeq: number): string[] {
    return this.database
      .prepare("SELECT path FROM checkpoint_files WHERE session_id = ? AND turn_seq = ? ORDER BY path")
      .all(sessionId, turnSeq)
      .map((row) => String(row.path));
  }

  /**
   * Per turn of the session: the files it changed and how many shell commands it ran. A file the
   * turn's calls left as they found it (an Edit whose old_string was not there) is not a change.
   */
  changesByTurn(sessionId: string): Map<number, TurnChanges> {
    const changes = new Map<number, TurnChanges>();
    const entry = (turnSeq: number): TurnChanges => {
      let found = changes.get(turnSeq);
      if (!found) {
        found = { paths: [], notKept: [], shellCommands: 0 };
        changes.set(turnSeq, found);
      }
      return found;
    };
    for (const row of this.database
      .prepare(
        `SELECT turn_seq, path, before_hash, before_size, after_hash, after_size, after_known
         FROM checkpoint_files WHERE session_id = ? ORDER BY turn_seq, path`,
      )
      .all(sessionId)) {
      const before = stateOf(row.before_hash, row.before_size);
      // Two too-large states of one size may still differ: only a hash says a file is unchanged.
      const leftAsFound =
        Number(row.after_known) === 1 &&
        before.kind !== "too-large" &&
        sameState(before, stateOf(row.after_hash, row.after_size));
      if (leftAsFound) continue;
      const turn = entry(Number(row.turn_seq));
      turn.paths.push(String(row.path));
      if (before.kind === "too-large") turn.notKept.push(String(row.path));
    }
    for (const row of this.database
      .prepare("SELECT turn_seq, commands FROM checkpoint_shell WHERE session_id = ?")
      .all(sessionId))
      entry(Number(row.turn_seq)).shellCommands = Number(row.commands);
    return changes;
  }

  /** Each file the session changed from turnSeq on, in its state before the first of those turns changed it. */
  statesBefore(sessionId: string, turnSeq: number): { path: string; state: FileState }[] {
    return this.database
      .prepare(
        `SELECT path, before_hash, before_size FROM checkpoint_files AS outer_row
         WHERE session_id = ? AND turn_seq = (
           SELECT MIN(turn_seq) FROM checkpoint_files
           WHERE session_id = outer_row.session_id AND path = outer_row.path AND turn_seq >= ?)
         ORDER BY path`,
      )
      .all(sessionId, turnSeq)
      .map((row) => ({ path: String(row.path), state: stateOf(row.before_hash, row.before_size) }));
  }

  /** What tacit (any session) last left in the file, if a call of it ever finished. */
  lastLeft(path: string): FileState | undefined {
    const row = this.database
      .prepare(
        `SELECT after_hash, after_size FROM checkpoint_files WHERE path = ? AND after_known = 1
         ORDER BY updated_at DESC LIMIT 1`,
      )
      .get(path);
    return row ? stateOf(row.after_hash, row.after_size) : undefined;
  }

  /**
   * Drops snapshots older than maxAgeMs, then the oldest until the kept bytes
   * fit maxBytes. Returns the hashes still referenced, for the blob store.
   */
  prune(now: number, maxAgeMs: number, maxBytes: number): { removed: number; referenced: Set<string> } {
    let removed = Number(
      this.database.prepare("DELETE FROM checkpoint_files WHERE created_at < ?").run(now - maxAgeMs).changes,
    );
    this.database.prepare("DELETE FROM checkpoint_shell WHERE created_at < ?").run(now - maxAgeMs);
    const blobs = this.database
      .prepare(
        `SELECT before_hash AS hash, MAX(before_size) AS size, MAX(created_at) AS newest FROM checkpoint_files
         WHERE before_hash IS NOT NULL GROUP BY before_hash ORDER BY newest DESC`,
      )
      .all();
    const referenced = new Set<string>();
    let total = 0;
    for (const blob of blobs) {
      total += Number(blob.size);
      if (total <= maxBytes) {
        referenced.add(String(blob.hash));
        continue;
      }
      removed += Number(
        this.database.prepare("DELETE FROM checkpoint_files WHERE before_hash = ?").run(String(blob.hash))
          .changes,
      );
    }
    return { removed, referenced };
  }
}
