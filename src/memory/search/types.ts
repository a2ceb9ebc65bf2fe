/** What the recall search engine indexes: one memory file or one transcript passage. */
export type SearchKind = "memory" | "transcript";

/** Where a document lives; see the Memory section of DESIGN.md. "session" is a past transcript. */
export type SearchScope = "user" | "project" | "local" | "session";

export interface SearchDocument {
  /** Stable id chosen by the caller (a memory path, or "<session>#<turn>"). */
  id: string;
  kind: SearchKind;
  scope: SearchScope;
  /** Which project the document belongs to; absent for user-scope documents shared by every project. */
  projectKey?: string;
  title: string;
  body: string;
  /**
   * Extra text that helps a document be found but is not shown: neighbouring turns,
   * speaker names, dates, tags. Weighted below title and body.
   */
  context?: string;
  /** Milliseconds since the epoch; drives the recency weight. */
  updatedAt: number;
  /** The session a transcript passage came from; passages of one session reinforce each other. */
  sessionId?: string;
}

export interface SearchOptions {
  /** How many results to return (default 8). */
  limit?: number;
  kinds?: SearchKind[];
  scopes?: SearchScope[];
  /**
   * Restrict to this project: documents with this projectKey, plus documents with no
   * projectKey (user scope), which belong to every project.
   */
  projectKey?: string;
  /** Ids to leave out, e.g. memories already in context. */
  excludeIds?: string[];
  /**
   * A session whose passages are left out (the one being lived: its turns are in context), in the
   * query itself, so they neither fill the candidate list nor lend relevance to replies.
   */
  excludeSessionId?: string;
  /** The clock for recency (default Date.now()); tests and benchmarks pin it. */
  now?: number;
}

export interface SearchResult {
  id: string;
  kind: SearchKind;
  scope: SearchScope;
  title: string;
  /** A short excerpt of the body around the matched terms, matches in [brackets]. */
  snippet: string;
  /** Higher is better; comparable only within one result list. */
  score: number;
  /** Why this was recalled, for the user: matched terms, recency, scope, session, similarity. */
  reasons: string[];
  updatedAt: number;
  projectKey?: string;
  sessionId?: string;
  /**
   * The share (0-1) of the query's weight, counted in IDF over its carrying words (not
   * a coding prompt's filler), that this document matched; absent when found by meaning alone.
   */
  coverage?: number;
  /** Cosine similarity to the query, when an embedder took part and had a vector for it. */
  similarity?: number;
}
