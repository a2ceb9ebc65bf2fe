import type { SQLInputValue } from "node:sqlite";
import type { SearchDocument, SearchKind, SearchOptions, SearchScope } from "./types.ts";

// What SearchIndex accepts and how its filters become SQL: plain functions over the
// types, kept apart from the class that runs the statements.

const KINDS: ReadonlySet<string> = new Set<SearchKind>(["memory", "transcript"]);
const SCOPES: ReadonlySet<string> = new Set<SearchScope>(["user", "project", "local", "session"]);

/** SQL filters as JSON arrays through json_each, so the statement text (and its cache entry) stays fixed. */
export function filterClause(options: SearchOptions): { clause: string; parameters: SQLInputValue[] } {
  let clause = "";
  const parameters: SQLInputValue[] = [];
  if (options.kinds !== undefined) {
    clause += " AND d.kind IN (SELECT value FROM json_each(?))";
    parameters.push(JSON.stringify(options.kinds));
  }
  if (options.scopes !== undefined) {
    clause += " AND d.scope IN (SELECT value FROM json_each(?))";
    parameters.push(JSON.stringify(options.scopes));
  }
  if (options.projectKey !== undefined) {
    clause += " AND (d.project_key IS NULL OR d.project_key = ?)";
    parameters.push(options.projectKey);
  }
  if (options.excludeIds !== undefined && options.excludeIds.length > 0) {
    clause += " AND d.id NOT IN (SELECT value FROM json_each(?))";
    parameters.push(JSON.stringify(options.excludeIds));
  }
  if (options.excludeSessionId !== undefined) {
    clause += " AND (d.session_id IS NULL OR d.session_id <> ?)";
    parameters.push(options.excludeSessionId);
  }
  return { clause, parameters };
}

/** Refuses a document the index could not rank or filter, naming what is wrong. */
export function validateDocument(document: SearchDocument): void {
  if (typeof document.id !== "string" || document.id === "")
    throw new Error("Search document needs a non-empty id");
  if (!KINDS.has(document.kind))
    throw new Error(`Search document ${document.id}: unknown kind "${document.kind}"`);
  if (!SCOPES.has(document.scope))
    throw new Error(`Search document ${document.id}: unknown scope "${document.scope}"`);
  if (!Number.isFinite(document.updatedAt))
    throw new Error(`Search document ${document.id}: updatedAt is not a number`);
}
