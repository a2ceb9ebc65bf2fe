import type { DatabaseSync, StatementSync } from "node:sqlite";

/** Prepares each SQL text once per connection: recall runs the same few statements every turn. */
export class StatementCache {
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** asArrays: rows come back as arrays, cheaper when there are many of them. */
  get(sql: string, asArrays = false): StatementSync {
    const key = asArrays ? `arrays:${sql}` : sql;
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (asArrays) statement.setReturnArrays(true);
      this.statements.set(key, statement);
    }
    return statement;
  }
}
