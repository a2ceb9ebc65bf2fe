/**
 * The JSON the memory browser's server sends and the page reads. Type-only, so the page (bundled for
 * the browser by scripts/build.mjs) and the server agree on one shape without sharing any code.
 */

export interface MemoryRow {
  scope: string;
  name: string;
  type: string;
  description: string;
  updated: string;
  stale: boolean;
  conflict: boolean;
  pinned: boolean;
}

export interface MemoryPage {
  total: number;
  offset: number;
  /** Memories per scope and type over everything (not only this page), for the sidebar. */
  counts: Record<string, Record<string, number>>;
  items: MemoryRow[];
}

export interface SearchHit extends MemoryRow {
  snippet: string;
  reasons: string[];
}

export interface FileChange {
  hash: string;
  date: string;
  message: string;
  /** The patch of this memory's file in that commit. */
  patch: string;
}

interface Recalled {
  sessionId: string;
  /** The session's title, when tacit's database still has it. */
  title?: string;
  turn: number;
  at: string;
}

interface SessionRef {
  id: string;
  title?: string;
}

interface ConflictSides {
  local: string;
  remote: string;
  localLabel: string;
  remoteLabel: string;
}

export interface MemoryDetail {
  row: MemoryRow;
  /** The file as it is on disk. */
  text: string;
  filePath: string;
  missingPaths: string[];
  /** The scope keeps a git history tacit commits to (user and local). */
  versioned: boolean;
  /** Sessions that wrote it: the current `source` first, then earlier versions'. */
  sources: SessionRef[];
  history: FileChange[];
  recalls: Recalled[];
  conflict?: ConflictSides;
}

export interface InboxItem {
  key: string;
  scope: string;
  what: string;
  session: string;
  age: string;
  /** What approving would change, as the CLI's `inbox show` prints it. */
  details: string;
}

interface Finding {
  kind: string;
  memories: string[];
  detail: string;
}

export interface TimelineDay {
  day: string;
  scope: string;
  /** Commits that day by who made them: "you" for the user's own, else the actor prefix ("reflection"). */
  byActor: Record<string, number>;
}

export interface ReflectionChange {
  scope: string;
  date: string;
  message: string;
}

export interface HealthReport {
  findings: Finding[];
  timeline: TimelineDay[];
  reflectionChanges: ReflectionChange[];
  mostRecalled: Array<{ memory: string; count: number; lastAt: string }>;
  neverRecalled: string[];
  neverRecalledTotal: number;
}

export interface ChangeResult {
  message: string;
  commit?: string;
}
