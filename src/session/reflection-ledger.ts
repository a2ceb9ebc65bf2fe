import { hostname } from "node:os";
import type { DatabaseSync, SQLOutputValue } from "node:sqlite";
import { processAlive } from "../core/process-alive.ts";
import { printStderrLine } from "../core/terminal-safe.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import type { Migration } from "./migration.ts";
import { type SessionStore, type StoredMessage, usageOfRow } from "./store.ts";

/**
 * One row per reflection run: which part of which session it read (messages after_seq < seq ≤
 * upto_seq), how it ended, what it changed and cost. The session key is a tacit session id, or
 * "claude-code:<uuid>" / "codex:<uuid>" for imported sessions, so it is not a foreign key.
 * Timestamps are milliseconds since the epoch.
 */
export const reflectionLedgerMigrations: readonly Migration[] = [
  {
    id: "reflection-001-runs",
    up(database: DatabaseSync) {
      database.exec(`
        CREATE TABLE reflection_runs (
          id INTEGER PRIMARY KEY,
          session_key TEXT NOT NULL,
          after_seq INTEGER NOT NULL,
          upto_seq INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
          error TEXT,
          error_shown INTEGER NOT NULL DEFAULT 0,
          model TEXT NOT NULL,
          input_tokens INTEGER NOT NULL DEFAULT 0,
          output_tokens INTEGER NOT NULL DEFAULT 0,
          cache_read_tokens INTEGER NOT NULL DEFAULT 0,
          cache_write_tokens INTEGER NOT NULL DEFAULT 0,
          cost_usd REAL NOT NULL DEFAULT 0,
          changes TEXT NOT NULL DEFAULT '[]',
          pid INTEGER NOT NULL,
          host TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          finished_at INTEGER
        ) STRICT;
        CREATE INDEX reflection_runs_by_session ON reflection_runs (session_key, status, upto_seq);
      `);
    },
  },
  {
    // The parts of sessions the user ran with --no-reflect (after_seq < seq ≤ upto_seq): no
    // background run and no --all-pending reads them; `tacit reflect --session ID` still may.
    id: "reflection-002-declined",
    up(database: DatabaseSync) {
      database.exec(`
        CREATE TABLE reflection_declined (
          session_key TEXT NOT NULL,
          after_seq INTEGER NOT NULL,
          upto_seq INTEGER NOT NULL,
          declined_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX reflection_declined_by_session ON reflection_declined (session_key);
      `);
    },
  },
];

export type ReflectionRunStatus = "running" | "done" | "failed";

export interface ReflectionRun {
  id: number;
  sessionKey: string;
  afterSeq: number;
  uptoSeq: number;
  status: ReflectionRunStatus;
  error?: string;
  model: string;
  usage: Usage;
  costUsd: number;
  changes: string[];
  startedAt: number;
  finishedAt?: number;
}

export interface ReflectionSpend {
  usage: Usage;
  costUsd: number;
  changes: string[];
}

/** What tacit knows of past reflections: the part of each session already read, failures not yet shown, costs. */
export class ReflectionLedger {
  private readonly database: DatabaseSync;
  private readonly now: () => number;

  private readonly onUnreadable: (line: string) => void;

  constructor(
    database: DatabaseSync,
    options: { now?: () => number; onUnreadable?: (line: string) => void } = {},
  ) {
    this.database = database;
    this.now = options.now ?? Date.now;
    this.onUnreadable = options.onUnreadable ?? warnOnce;
  }

  /** The last message seq a finished run read (0 when none): a continued session is read from after it. */
  reflectedUpTo(sessionKey: string): number {
    const row = this.database
      .prepare("SELECT MAX(upto_seq) AS upto FROM reflection_runs WHERE session_key = ? AND status = 'done'")
      .get(sessionKey);
    return Number(row?.upto ?? 0);
  }

  begin(sessionKey: string, range: { afterSeq: number; uptoSeq: number }, model: string): number {
    const result = this.database
      .prepare(
        `INSERT INTO reflection_runs (session_key, after_seq, upto_seq, status, model, pid, host, started_at)
         VALUES (?, ?, ?, 'running', ?, ?, ?, ?)`,
      )
      .run(sessionKey, range.afterSeq, range.uptoSeq, model, process.pid, hostname(), this.now());
    return Number(result.lastInsertRowid);
  }

  finish(runId: number, spend: ReflectionSpend): void {
    this.end(runId, "done", spend, undefined, false);
  }

  /** `shown`: the user already saw the error (a `tacit reflect` in the foreground), so no start repeats it. */
  fail(runId: number, error: string, spend: ReflectionSpend, shown: boolean): void {
    this.end(runId, "failed", spend, error, shown);
  }

  runs(sessionKey: string): ReflectionRun[] {
    return this.readable(
      this.database
        .prepare("SELECT * FROM reflection_runs WHERE session_key = ? ORDER BY id")
        .all(sessionKey),
    );
  }

  /**
   * The user ran this session with --no-reflect: the messages this process added to it (those
   * stored since `sinceMs`, when it started) are left out of background runs and --all-pending.
   */
  declineSince(sessionKey: string, sinceMs: number): void {
    const row = this.database
      .prepare(
        "SELECT MIN(seq) AS low, MAX(seq) AS high FROM messages WHERE session_id = ? AND created_at >= ?",
      )
      .get(sessionKey, Math.floor(sinceMs));
    if (row?.low === null || row?.low === undefined) return;
    this.database
      .prepare(
        `INSERT INTO reflection_declined (session_key, after_seq, upto_seq, declined_at)
         SELECT ?, ?, ?, ? WHERE NOT EXISTS
           (SELECT 1 FROM reflection_declined WHERE session_key = ? AND after_seq = ? AND upto_seq = ?)`,
      )
      .run(
        sessionKey,
        Number(row.low) - 1,
        Number(row.high),
        this.now(),
        sessionKey,
        Number(row.low) - 1,
        Number(row.high),
      );
  }

  /** Whether the user declined reflection on the message `seq` of a session (--no-reflect). */
  declinedSeqs(sessionKey: string): (seq: number) => boolean {
    const ranges = this.database
      .prepare("SELECT after_seq, upto_seq FROM reflection_declined WHERE session_key = ?")
      .all(sessionKey)
      .map((row) => ({ after: Number(row.after_seq), upto: Number(row.upto_seq) }));
    return (seq) => ranges.some((range) => seq > range.after && seq <= range.upto);
  }

  /**
   * The part of a session no finished run has read, without what the user declined (--no-reflect)
   * unless `includeDeclined` (they named the session themselves): what every reflection of a tacit
   * session starts from, read from the database only after the last finished run.
   */
  unreflected(
    store: SessionStore,
    sessionId: string,
    options: { includeDeclined?: boolean } = {},
  ): { after: number; stored: StoredMessage[] } {
    const after = this.reflectedUpTo(sessionId);
    const declined = options.includeDeclined ? () => false : this.declinedSeqs(sessionId);
    const stored = store.loadStoredMessages(sessionId, { afterSeq: after });
    return { after, stored: stored.filter((each) => !declined(each.seq)) };
  }

  /**
   * The sessions of a project with messages no finished run has read and the user did not
   * decline (--no-reflect), oldest first (`tacit reflect --all-pending`).
   */
  pendingSessions(projectRoot: string): string[] {
    return this.database
      .prepare(
        `SELECT s.id FROM sessions s
         WHERE s.project_root = ?
           AND EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id
             AND m.seq > COALESCE((SELECT MAX(r.upto_seq) FROM reflection_runs r
                                   WHERE r.session_key = s.id AND r.status = 'done'), 0)
             AND NOT EXISTS (SELECT 1 FROM reflection_declined d
                             WHERE d.session_key = s.id AND m.seq > d.after_seq AND m.seq <= d.upto_seq))
         ORDER BY s.updated_at, s.id`,
      )
      .all(projectRoot)
      .map((row) => String(row.id));
  }

  /** Tokens and cost of every run on a session, for /cost. */
  spentOn(sessionKey: string): { usage: Usage; costUsd: number } {
    let usage = emptyUsage();
    let costUsd = 0;
    for (const run of this.runs(sessionKey)) {
      usage = addUsage(usage, run.usage);
      costUsd += run.costUsd;
    }
    return { usage, costUsd };
  }

  /**
   * Failures the user has not seen yet, marked seen as they are handed out (each is shown at one
   * start, once). A run left "running" by a process on this machine that is gone (killed, crashed)
   * is a failure too. A failure whose messages a later run reflected on is not worth showing.
   */
  takeUnshownFailures(): ReflectionRun[] {
    const abandoned = this.database
      .prepare("SELECT id, pid FROM reflection_runs WHERE status = 'running' AND host = ?")
      .all(hostname())
      .filter((row) => !processAlive(Number(row.pid)));
    for (const row of abandoned) {
      this.database
        .prepare(
          "UPDATE reflection_runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'running'",
        )
        .run("the reflection process ended before it finished", this.now(), Number(row.id));
    }
    const failures = this.readable(
      this.database
        .prepare("SELECT * FROM reflection_runs WHERE status = 'failed' AND error_shown = 0 ORDER BY id")
        .all(),
    );
    if (failures.length > 0) {
      this.database
        .prepare("UPDATE reflection_runs SET error_shown = 1 WHERE status = 'failed' AND error_shown = 0")
        .run();
    }
    return failures.filter((run) => this.reflectedUpTo(run.sessionKey) < run.uptoSeq);
  }

  /** The rows that can be read; one that cannot (edited by hand, damaged) is skipped, and said once. */
  private readable(rows: Array<Record<string, SQLOutputValue>>): ReflectionRun[] {
    const runs: ReflectionRun[] = [];
    for (const row of rows) {
      const run = toRun(row);
      if (run) runs.push(run);
      else this.onUnreadable(`skipped unreadable rows of the reflection_runs table (run ${String(row.id)})`);
    }
    return runs;
  }

  private end(
    runId: number,
    status: ReflectionRunStatus,
    spend: ReflectionSpend,
    error: string | undefined,
    shown: boolean,
  ): void {
    const { usage } = spend;
    this.database
      .prepare(
        `UPDATE reflection_runs SET status = ?, error = ?, error_shown = ?, input_tokens = ?, output_tokens = ?,
           cache_read_tokens = ?, cache_write_tokens = ?, cost_usd = ?, changes = ?, finished_at = ? WHERE id = ?`,
      )
      .run(
        status,
        error ?? null,
        shown ? 1 : 0,
        usage.inputTokens,
        usage.outputTokens,
        usage.cacheReadTokens,
        usage.cacheWriteTokens,
        spend.costUsd,
        JSON.stringify(spend.changes),
        this.now(),
        runId,
      );
  }
}

let warned = false;

/** A damaged row is said once a process, as a warning on stderr like the database's own notices. */
function warnOnce(line: string): void {
  if (warned) return;
  warned = true;
  printStderrLine(`warning: ${line}`);
}

const STATUSES: readonly string[] = ["running", "done", "failed"];

/** A row as a run, or undefined when it cannot be one (a status or list of changes that is not tacit's). */
function toRun(row: Record<string, SQLOutputValue>): ReflectionRun | undefined {
  const changes = parseChanges(row.changes);
  if (!changes || !STATUSES.includes(String(row.status))) return undefined;
  return {
    id: Number(row.id),
    sessionKey: String(row.session_key),
    afterSeq: Number(row.after_seq),
    uptoSeq: Number(row.upto_seq),
    status: String(row.status) as ReflectionRunStatus,
    ...(row.error !== null ? { error: String(row.error) } : {}),
    model: String(row.model),
    usage: usageOfRow(row),
    costUsd: Number(row.cost_usd),
    changes,
    startedAt: Number(row.started_at),
    ...(row.finished_at !== null ? { finishedAt: Number(row.finished_at) } : {}),
  };
}

function parseChanges(value: SQLOutputValue | undefined): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(String(value));
    return Array.isArray(parsed) && parsed.every((each) => typeof each === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}
