import type { DatabaseSync } from "node:sqlite";
import type { Migration } from "../session/migration.ts";
import { redactSecrets } from "./redaction.ts";

/**
 * The marker table. IF NOT EXISTS on purpose: before it had a migration, every
 * open created it with this statement, so a database made then already holds
 * it; this first migration adopts it as it is.
 */
export const embeddingHealthMigrations: readonly Migration[] = [
  {
    id: "embedding-health-001-markers",
    up(database: DatabaseSync) {
      database.exec(
        "CREATE TABLE IF NOT EXISTS memory_embedding_health (model TEXT PRIMARY KEY, down_until INTEGER NOT NULL, reason TEXT NOT NULL)",
      );
    },
  },
];

/**
 * An "endpoint down" marker per embedding model, kept in the database because
 * every `tacit -p` is a new process: without it each one would pay the full
 * query timeout again against a dead endpoint.
 */
export class EmbeddingHealth {
  private readonly database: DatabaseSync;

  constructor(database: DatabaseSync) {
    this.database = database;
  }

  /** The standing marker for a model, if it has not expired. */
  down(model: string, now: number): { until: number; reason: string } | undefined {
    const row = this.database
      .prepare("SELECT down_until, reason FROM memory_embedding_health WHERE model = ? AND down_until > ?")
      .get(model, now) as { down_until: number; reason: string } | undefined;
    return row ? { until: Number(row.down_until), reason: row.reason } : undefined;
  }

  /** Marks a model down; true when no marker stood before (the user has not been told yet). */
  markDown(model: string, until: number, reason: string, now: number): boolean {
    const wasDown = this.down(model, now) !== undefined;
    this.database
      .prepare(
        "INSERT INTO memory_embedding_health (model, down_until, reason) VALUES (?, ?, ?) ON CONFLICT(model) DO UPDATE SET down_until = excluded.down_until, reason = excluded.reason",
      )
      // An endpoint's error can echo the request (a key in the URL): it is redacted like any stored text.
      .run(model, until, redactSecrets(reason).text);
    return !wasDown;
  }

  clear(model: string): void {
    // Look before writing: a healthy turn should not take the database's write lock.
    const row = this.database
      .prepare("SELECT 1 AS found FROM memory_embedding_health WHERE model = ?")
      .get(model);
    if (row === undefined) return;
    this.database.prepare("DELETE FROM memory_embedding_health WHERE model = ?").run(model);
  }
}
