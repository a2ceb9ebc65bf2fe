import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "../migration.ts";

/**
 * How far each imported session of another agent was learned, so `tacit learn` is idempotent like
 * reflection: a session learned to its end is not read again, and one that grew since (the other
 * agent continued it) is learned only from where the last run stopped. Claude Code's auto-memory
 * notes are kept here too, by content hash.
 */
export const importLedgerMigrations: readonly Migration[] = [
  {
    id: "import-ledger-001-learned-transcripts",
    up(database: DatabaseSync) {
      database.exec(`CREATE TABLE learned_transcripts (
        source TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        learned_bytes INTEGER NOT NULL,
        learned_lines INTEGER NOT NULL,
        last_entry_id TEXT,
        fingerprint TEXT NOT NULL,
        learned_at TEXT NOT NULL
      ) STRICT`);
    },
  },
];

export interface LearnedProgress {
  file: string;
  /** The byte after the last line learned: the next run reads from here. */
  learnedBytes: number;
  learnedLines: number;
  lastEntryId: string | undefined;
  /** For a transcript, sha256 of its first bytes (up to HEAD_BYTES); for a note, of its content. */
  fingerprint: string;
}

/** How much of a transcript's start identifies it: a file replaced by another is learned afresh. */
const HEAD_BYTES = 4096;

export class ImportLedger {
  private readonly database: DatabaseSync;

  constructor(database: DatabaseSync) {
    this.database = database;
  }

  progress(source: string): LearnedProgress | undefined {
    const row = this.database
      .prepare(
        "SELECT file, learned_bytes, learned_lines, last_entry_id, fingerprint FROM learned_transcripts WHERE source = ?",
      )
      .get(source) as
      | {
          file: string;
          learned_bytes: number;
          learned_lines: number;
          last_entry_id: string | null;
          fingerprint: string;
        }
      | undefined;
    if (!row) return undefined;
    return {
      file: row.file,
      learnedBytes: row.learned_bytes,
      learnedLines: row.learned_lines,
      lastEntryId: row.last_entry_id ?? undefined,
      fingerprint: row.fingerprint,
    };
  }

  record(source: string, progress: LearnedProgress): void {
    this.database
      .prepare(
        `INSERT INTO learned_transcripts (source, file, learned_bytes, learned_lines, last_entry_id, fingerprint, learned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET file = excluded.file, learned_bytes = excluded.learned_bytes,
           learned_lines = excluded.learned_lines, last_entry_id = excluded.last_entry_id,
           fingerprint = excluded.fingerprint, learned_at = excluded.learned_at`,
      )
      .run(
        source,
        progress.file,
        progress.learnedBytes,
        progress.learnedLines,
        progress.lastEntryId ?? null,
        progress.fingerprint,
        new Date().toISOString(),
      );
  }

  /**
   * Where to go on reading a transcript: after what an earlier run learned, when the file still
   * starts the same and is no shorter than that; from the start otherwise (it was replaced).
   */
  async resumePoint(
    source: string,
    file: string,
    sizeBytes: number,
  ): Promise<{ offset: number; lines: number }> {
    const known = this.progress(source);
    if (!known || sizeBytes < known.learnedBytes) return { offset: 0, lines: 0 };
    if ((await headFingerprint(file, known.learnedBytes)) !== known.fingerprint)
      return { offset: 0, lines: 0 };
    return { offset: known.learnedBytes, lines: known.learnedLines };
  }
}

/** sha256 of a transcript's first bytes, up to HEAD_BYTES and no further than `learnedBytes`. */
export async function headFingerprint(file: string, learnedBytes: number): Promise<string> {
  const length = Math.min(HEAD_BYTES, learnedBytes);
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return createHash("sha256").update(buffer.subarray(0, bytesRead)).digest("hex");
  } finally {
    await handle.close();
  }
}
