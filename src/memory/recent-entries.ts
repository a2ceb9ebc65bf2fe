import type { DatabaseSync } from "node:sqlite";
import { withoutDiskWait } from "../session/database.ts";
import type { MemoryType } from "./memory-file.ts";
import type { MemoryScope } from "./scopes.ts";

/** One memory as the manifest keeps it: enough for the memory index without opening the file. */
export interface ManifestEntry {
  scope: MemoryScope;
  name: string;
  description: string;
  type: MemoryType;
  updated: string;
  /** The paths the memory names (freshness.ts referencedPaths), checked for staleness when listed. */
  referencedPaths: string[];
  conflict: boolean;
  /** `pinned: true`: never decays out of the index. */
  pinned: boolean;
}

export interface ManifestRow {
  scope: string;
  name: string;
  description: string;
  type: string;
  updated: string;
  referenced_paths: string | null;
  conflict: number | null;
  pinned: number | null;
}

export interface RecentEntries {
  entries: ManifestEntry[];
  total: number;
  decayed: number;
}

interface Query {
  projectKey: string;
  scopes: readonly MemoryScope[];
  limit: number;
  decay?: { before: number; used: readonly string[] };
}

/**
 * What the cache keeps: the answer, and the cut-offs between which it holds. The decay cut-off
 * moves with the clock, but the answer changes only when it passes some memory's recency: the
 * answer is the same for every cut-off above `after` and at most `upTo`.
 */
interface Cached extends RecentEntries {
  after: number | null;
  upTo: number | null;
  /** The decay's recalled memories the answer was computed with (sorted), or null without decay. */
  used: string[] | null;
}

/**
 * The `limit` most recent memories of the given scopes as last synced, for
 * the always-loaded index (ties go to scope order, then name, as the index
 * drops them), and how many there are in all. User rows carry no project
 * key, project and local rows this project's. With `decay`, memories last
 * updated before `decay.before` (ms) are left out and counted as decayed,
 * unless pinned or named in `decay.used` ("<scope>/<name>", recalled since).
 *
 * With 20,000 memories the queries scan every row (tens of ms at each start), so the answer is
 * kept in the database until a row changes (clearRecentEntries, called by every write to them)
 * or the decay cut-off passes a memory's recency.
 */
export function cachedRecentEntries(database: DatabaseSync, query: Query): RecentEntries {
  if (query.scopes.length === 0) return { entries: [], total: 0, decayed: 0 };
  // One row per project, scopes and limit: the recalled list changes with every recall, so it is
  // compared from the value rather than keyed (as a key, each new recall left a dead row behind).
  const key = JSON.stringify([query.projectKey, query.scopes, query.limit]);
  const used = query.decay ? [...query.decay.used].sort() : null;
  const row = database.prepare("SELECT value FROM memory_index_listing WHERE key = ?").get(key) as
    | { value: string }
    | undefined;
  if (row) {
    const cached = JSON.parse(row.value) as Cached;
    const before = query.decay?.before;
    const sameUse = JSON.stringify(cached.used ?? null) === JSON.stringify(used);
    const inWindow =
      before === undefined ||
      ((cached.after === null || before > cached.after) && (cached.upTo === null || before <= cached.upTo));
    if (sameUse && inWindow) return { entries: cached.entries, total: cached.total, decayed: cached.decayed };
  }
  const answer = recentEntries(database, query);
  const { decay } = query;
  const cached: Cached = {
    ...answer,
    ...(decay ? cutOffs(database, { ...query, decay }) : { after: null, upTo: null }),
    used,
  };
  // A cache of the rows above: kept without waiting for the disk (session/database.ts withoutDiskWait).
  withoutDiskWait(database, () =>
    database
      .prepare(
        "INSERT INTO memory_index_listing (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(key, JSON.stringify(cached)),
  );
  return answer;
}

export function clearRecentEntries(database: DatabaseSync): void {
  database.prepare("DELETE FROM memory_index_listing").run();
}

function where(query: Query): { sql: string; parameters: string[] } {
  return {
    sql: `(project_key IS NULL OR project_key = ?) AND name IS NOT NULL
      AND scope IN (${query.scopes.map(() => "?").join(", ")})`,
    parameters: [query.projectKey, ...query.scopes],
  };
}

function recentEntries(database: DatabaseSync, query: Query): RecentEntries {
  const { sql, parameters } = where(query);
  const { decay } = query;
  const kept = decay
    ? "(recency >= ? OR pinned = 1 OR scope || '/' || name IN (SELECT value FROM json_each(?)))"
    : "1";
  const keptParameters = decay ? [decay.before, JSON.stringify(decay.used)] : [];
  const counts = database
    .prepare(
      `SELECT count(*) AS total, coalesce(sum(CASE WHEN ${kept} THEN 0 ELSE 1 END), 0) AS decayed
         FROM memory_index_state WHERE ${sql}`,
    )
    .get(...keptParameters, ...parameters);
  const rows = database
    .prepare(
      `SELECT scope, name, description, type, updated, referenced_paths, conflict, pinned FROM memory_index_state
         WHERE ${sql} AND ${kept}
         ORDER BY recency DESC, CASE scope WHEN 'user' THEN 0 WHEN 'project' THEN 1 ELSE 2 END, name
         LIMIT ?`,
    )
    .all(...parameters, ...keptParameters, query.limit) as unknown as ManifestRow[];
  return {
    entries: rows.map(manifestEntryOf),
    total: Number(counts?.total ?? 0),
    decayed: Number(counts?.decayed ?? 0),
  };
}

/** The nearest recencies below and at or above the cut-off among the memories decay can drop. */
function cutOffs(
  database: DatabaseSync,
  query: Query & { decay: NonNullable<Query["decay"]> },
): Pick<Cached, "after" | "upTo"> {
  const { sql, parameters } = where(query);
  const decaying = `${sql} AND coalesce(pinned, 0) = 0
    AND scope || '/' || name NOT IN (SELECT value FROM json_each(?))`;
  const used = JSON.stringify(query.decay.used);
  const bound = (aggregate: string, comparison: string) =>
    (
      database
        .prepare(
          `SELECT ${aggregate}(recency) AS value FROM memory_index_state WHERE ${decaying} AND recency ${comparison} ?`,
        )
        .get(...parameters, used, query.decay.before) as { value: number | null }
    ).value;
  return { after: bound("max", "<"), upTo: bound("min", ">=") };
}

export function manifestEntryOf(row: ManifestRow): ManifestEntry {
  return {
    scope: row.scope as MemoryScope,
    name: row.name,
    description: row.description,
    type: row.type as MemoryType,
    updated: row.updated,
    referencedPaths: row.referenced_paths ? (JSON.parse(row.referenced_paths) as string[]) : [],
    conflict: row.conflict === 1,
    pinned: row.pinned === 1,
  };
}
