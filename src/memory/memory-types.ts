import type { Memory, MemoryType } from "./memory-file.ts";
import type { ScopeLockOptions } from "./scope-lock.ts";
import type { MemoryScope, MemoryScopeFolders } from "./scopes.ts";

export interface MemoryStoreOptions {
  folders: MemoryScopeFolders;
  /** Scopes tacit may read and write (default: all three). */
  enabledScopes?: readonly MemoryScope[];
  /** Paths in memories resolve against it (default: the folder two levels above the project scope folder). */
  projectRoot?: string;
  /**
   * The project root is a git repository (default: it holds `.git`). Outside one there is no project
   * scope, nor a local scope tied to it: only the user scope.
   */
  inRepository?: boolean;
  /** Where forgotten memories that no tacit history keeps are copied (default `<tacit home>/trash/<project>`). */
  trashFolder?: string;
  /** Scopes whose memories are checked for missing paths (default project and local: user memories span projects). */
  freshnessScopes?: readonly MemoryScope[];
  /** Redacts secrets from text (default: redactSecrets from ./redaction.ts). */
  redact?: (text: string) => { text: string; redactions: unknown[] };
  /** The clock for created/updated (tests pin it). */
  now?: () => Date;
  lock?: ScopeLockOptions;
}

export interface MemoryEntry {
  scope: MemoryScope;
  name: string;
  description: string;
  type: MemoryType;
  /** ISO timestamp: the frontmatter's, or the file's mtime when a hand edit left it out. */
  updated: string;
  paths: string[];
  links: string[];
  filePath: string;
  /** Names a project file that no longer exists. */
  stale: boolean;
  missingPaths: string[];
  /** `pinned: true` in the frontmatter: never decays out of the always-in-context index. */
  pinned: boolean;
  /** Problems in a hand-edited file, worked around. */
  warnings: string[];
  /** Sync kept two versions in its body (`conflict: true`, see sync/conflict.ts) until someone settles it. */
  conflict: boolean;
  /** The frontmatter could not be read at all (the YAML error): shown wherever the memory is read. */
  broken?: string;
}

export interface ReadMemory extends MemoryEntry {
  memory: Memory;
  /** The file exactly as it is on disk. */
  text: string;
}

export interface ChangeOptions {
  /** Why: goes into the commit message. */
  reason?: string;
  /** The session making the change; recorded as the memory's source. */
  sessionId?: string;
  /**
   * Who made the change when it was not the model at the user's request (e.g. "reflection", "init",
   * "learn"): the commit message starts with it, so `tacit memory log` tells learned changes apart.
   */
  actor?: string;
}

export interface RemoveResult {
  /** The commit that recorded the removal (user and local scopes); undo brings the memory back. */
  commit?: string;
  /** A copy of the memory, when no history keeps it (the project scope, or a history that failed). */
  trashedTo?: string;
  /** Nothing was removed: the deletion waits in the review inbox (this says what is proposed, for the model). */
  proposed?: string;
}

export interface WriteResult {
  memory: Memory;
  filePath: string;
  created: boolean;
  /** The commit hash (user and local scopes), when anything changed. */
  commit?: string;
  /** How many secrets were redacted before writing. */
  redactions: number;
  /** Nothing was written to the memory folder: the change waits in the review inbox (says what is proposed). */
  proposed?: string;
}

export interface SnapshotEntry {
  scope: MemoryScope;
  name: string;
  filePath: string;
  mtimeMs: number;
  /** Moves with every change to the file, even one that sets its mtime back. */
  ctimeMs: number;
  /** Bytes: with mtimeMs, tells a changed file from an unchanged one without reading it. */
  size: number;
}
