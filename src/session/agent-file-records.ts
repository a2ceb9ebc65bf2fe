import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "./migration.ts";

/**
 * What the agent left in each file it wrote (README "Corrections learned from
 * your edits"): one row per project file, replaced by every later tacit write
 * to it, so the row is always tacit's latest word on that file and the session
 * it names is the one whose work a later change corrects. Comparing the file
 * on disk with the row tells what the user changed since.
 *
 * hash is sha256 of the bytes tacit left (NULL: tacit deleted or moved the
 * file away). text is that content with secrets redacted, NULL when it was
 * binary or over the size cap (the hash still tells a change). size and
 * mtime_ms let a check skip unchanged files with one stat. handed_* name the
 * on-disk version whose diff already went to reflection, so one edit is taught
 * once; a new tacit write clears them.
 */
export const agentFileRecordMigrations: readonly Migration[] = [
  {
    id: "agent-file-records-001",
    up(database: DatabaseSync) {
      database.exec(`
        CREATE TABLE agent_file_records (
          project_root TEXT NOT NULL,
          path TEXT NOT NULL,
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          seq INTEGER,
          written_at INTEGER NOT NULL,
          hash TEXT,
          text TEXT,
          size INTEGER,
          mtime_ms REAL,
          handed_hash TEXT,
          handed_size INTEGER,
          handed_mtime_ms REAL,
          PRIMARY KEY (project_root, path)
        ) STRICT;
        CREATE INDEX agent_file_records_by_session ON agent_file_records (session_id);
      `);
    },
  },
];

/** What tacit left in one file; see agentFileRecordMigrations. */
export interface AgentFileRecord {
  projectRoot: string;
  /** Relative to the project root, with "/" separators. */
  path: string;
  sessionId: string;
  /** The stored message holding the call that wrote it (the assistant message), if known. */
  seq: number | undefined;
  /** Milliseconds since the epoch. */
  writtenAt: number;
  /** undefined: tacit deleted the file or moved it away. */
  hash: string | undefined;
  /** undefined: binary or over the cap. */
  text: string | undefined;
  size: number | undefined;
  mtimeMs: number | undefined;
  handed: { hash: string; size: number | undefined; mtimeMs: number | undefined } | undefined;
}

export type NewAgentFileRecord = Omit<AgentFileRecord, "handed">;

/** The only code that reads and writes agent_file_records. */
export class AgentFileRecords {
  private readonly database: DatabaseSync;

  constructor(database: DatabaseSync) {
    this.database = database;
  }

  /** Tacit's newest content of a file: replaces whatever was recorded for it, by any session. */
  record(entry: NewAgentFileRecord): void {
    this.database
      .prepare(
        `INSERT INTO agent_file_records
           (project_root, path, session_id, seq, written_at, hash, text, size, mtime_ms,
            handed_hash, handed_size, handed_mtime_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)
         ON CONFLICT (project_root, path) DO UPDATE SET
           session_id = excluded.session_id, seq = excluded.seq, written_at = excluded.written_at,
           hash = excluded.hash, text = excluded.text, size = excluded.size, mtime_ms = excluded.mtime_ms,
           handed_hash = NULL, handed_size = NULL, handed_mtime_ms = NULL`,
      )
      .run(
        entry.projectRoot,
        entry.path,
        entry.sessionId,
        entry.seq ?? null,
        entry.writtenAt,
        entry.hash ?? null,
        entry.text ?? null,
        entry.size ?? null,
        entry.mtimeMs ?? null,
      );
  }

  /** The files whose latest record is this session's. */
  forSession(projectRoot: string, sessionId: string): AgentFileRecord[] {
    return this.database
      .prepare("SELECT * FROM agent_file_records WHERE project_root = ? AND session_id = ? ORDER BY path")
      .all(projectRoot, sessionId)
      .map(toRecord);
  }

  /**
   * The project's records of files tacit left in place since `since` (ms),
   * without their text: what a start-up check or a shell call's refresh
   * compares with the disk.
   */
  recentInProject(projectRoot: string, since: number): AgentFileRecord[] {
    return this.database
      .prepare(
        `SELECT project_root, path, session_id, seq, written_at, hash, NULL AS text, size, mtime_ms,
                handed_hash, handed_size, handed_mtime_ms
         FROM agent_file_records
         WHERE project_root = ? AND written_at >= ? AND hash IS NOT NULL`,
      )
      .all(projectRoot, since)
      .map(toRecord);
  }

  /** Remembers that the diff against this on-disk version went to reflection. */
  markHandedOver(
    projectRoot: string,
    filePath: string,
    handed: { hash: string; size: number | undefined; mtimeMs: number | undefined },
  ): void {
    this.database
      .prepare(
        `UPDATE agent_file_records SET handed_hash = ?, handed_size = ?, handed_mtime_ms = ?
         WHERE project_root = ? AND path = ?`,
      )
      .run(handed.hash, handed.size ?? null, handed.mtimeMs ?? null, projectRoot, filePath);
  }

  /** Drops records written before `before` (ms): edits that late are the file's life, not a correction. */
  pruneOlderThan(before: number): number {
    return Number(
      this.database.prepare("DELETE FROM agent_file_records WHERE written_at < ?").run(before).changes,
    );
  }
}

function optionalString(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function toRecord(row: Record<string, unknown>): AgentFileRecord {
  const handedHash = optionalString(row.handed_hash);
  return {
    projectRoot: String(row.project_root),
    path: String(row.path),
    sessionId: String(row.session_id),
    seq: optionalNumber(row.seq),
    writtenAt: Number(row.written_at),
    hash: optionalString(row.hash),
    text: optionalString(row.text),
    size: optionalNumber(row.size),
    mtimeMs: optionalNumber(row.mtime_ms),
    handed:
      handedHash === undefined
        ? undefined
        : {
            hash: handedHash,
            size: optionalNumber(row.handed_size),
            mtimeMs: optionalNumber(row.handed_mtime_ms),
          },
  };
}
