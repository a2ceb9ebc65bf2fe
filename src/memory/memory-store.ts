import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";
import { UserFacingError } from "../core/errors.ts";
import { missingPaths } from "./freshness.ts";
import {
  commitFiles,
  commitHandEdits,
  ensureRepository,
  type HistoryEntry,
  historyDiff,
  historyLog,
  historyUndo,
} from "./git-history.ts";
import {
  completeMemory,
  InvalidMemoryError,
  type Memory,
  type MemoryType,
  memoryNameSchema,
  parseMemoryFile,
  serializeMemory,
  validateMemory,
} from "./memory-file.ts";
import { redactHandEdits } from "./redact-hand-edits.ts";
import { redactSecrets } from "./redaction.ts";
import { type ScopeLockOptions, withScopeLock } from "./scope-lock.ts";
import { isVersionedScope, MEMORY_SCOPES, type MemoryScope, type MemoryScopeFolders } from "./scopes.ts";

/** A memory problem the user or the model can act on: one clear line. */
export class MemoryError extends UserFacingError {
  override name = "MemoryError";
}

export interface MemoryStoreOptions {
  folders: MemoryScopeFolders;
  /** Scopes tacit may read and write (default: all three). */
  enabledScopes?: readonly MemoryScope[];
  /** Paths in memories resolve against it (default: the folder two levels above the project scope folder). */
  projectRoot?: string;
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
  /** Problems in a hand-edited file, worked around. */
  warnings: string[];
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
}

export interface WriteResult {
  memory: Memory;
  filePath: string;
  created: boolean;
  /** The commit hash (user and local scopes), when anything changed. */
  commit?: string;
  /** How many secrets were redacted before writing. */
  redactions: number;
}

export interface SnapshotEntry {
  scope: MemoryScope;
  name: string;
  filePath: string;
  /** sha256 of the file's bytes. */
  hash: string;
  mtimeMs: number;
}

const MEMORY_FILE = /^[^.].*\.md$/;

/**
 * The three memory scopes as folders of Markdown files. Every write is
 * redacted, validated, written atomically under a per-scope lock, and (in the
 * user and local scopes) committed to the folder's own git repository.
 */
export class MemoryStore {
  readonly folders: MemoryScopeFolders;
  readonly enabledScopes: readonly MemoryScope[];
  readonly projectRoot: string;
  private readonly freshnessScopes: readonly MemoryScope[];
  private readonly redact: (text: string) => { text: string; redactions: unknown[] };
  private readonly now: () => Date;
  private readonly lockOptions: ScopeLockOptions;

  constructor(options: MemoryStoreOptions) {
    this.folders = options.folders;
    this.enabledScopes = MEMORY_SCOPES.filter((scope) =>
      (options.enabledScopes ?? MEMORY_SCOPES).includes(scope),
    );
    this.projectRoot = options.projectRoot ?? path.dirname(path.dirname(options.folders.project));
    this.freshnessScopes = options.freshnessScopes ?? ["project", "local"];
    this.redact = options.redact ?? redactSecrets;
    this.now = options.now ?? (() => new Date());
    this.lockOptions = options.lock ?? {};
  }

  /** Entries of one scope, or of every enabled scope; sorted by scope then name. Reads the files each time, so hand edits show up. */
  list(scope?: MemoryScope): MemoryEntry[] {
    const scopes = scope ? [this.requireScope(scope)] : this.enabledScopes;
    return scopes.flatMap((each) =>
      this.memoryFileNames(each).flatMap((fileName) => {
        const entry = this.load(each, fileName.slice(0, -3));
        return entry ? [stripRead(entry)] : [];
      }),
    );
  }

  read(scope: MemoryScope, name: string): ReadMemory {
    this.requireScope(scope);
    const entry = this.load(scope, checkFileName(name));
    if (!entry) throw new MemoryError(`no ${scope} memory named "${name}"`);
    return entry;
  }

  exists(scope: MemoryScope, name: string): boolean {
    this.requireScope(scope);
    return existsSync(this.filePath(scope, checkFileName(name)));
  }

  /** Creates or replaces a memory. Secrets are redacted before anything touches disk. */
  async write(scope: MemoryScope, memory: Memory, options: ChangeOptions = {}): Promise<WriteResult> {
    return this.update(scope, memory.name, () => memory, options);
  }

  /**
   * Reads a memory, changes it and writes it back, all under the scope lock, so
   * two processes editing the same memory at once never overwrite each other's
   * change. `change` gets the current memory (undefined when there is none) and
   * may throw to refuse (e.g. "already exists").
   */
  async update(
    scope: MemoryScope,
    name: string,
    change: (current: ReadMemory | undefined) => Memory,
    options: ChangeOptions = {},
  ): Promise<WriteResult> {
    this.requireScope(scope);
    const fileName = checkFileName(name);
    return this.locked(scope, async () => {
      const previous = this.load(scope, fileName);
      const { memory: redacted, redactions } = this.redactMemory(change(previous));
      const valid = this.validate(redacted);
      const filePath = this.filePath(scope, valid.name);
      const replaced = valid.name === fileName ? previous : this.load(scope, valid.name);
      const completed = completeMemory(
        { ...valid, created: valid.created ?? replaced?.memory.created },
        { now: this.now(), sessionId: options.sessionId },
      );
      writeFileAtomic(filePath, serializeMemory(completed));
      const verb = replaced ? "update" : "create";
      const commit = await this.commit(
        scope,
        [`${valid.name}.md`],
        `${verb} ${valid.type} ${valid.name}`,
        options.reason,
      );
      return { memory: completed, filePath, created: !replaced, commit, redactions };
    });
  }

  async remove(scope: MemoryScope, name: string, options: ChangeOptions = {}): Promise<{ commit?: string }> {
    this.requireScope(scope);
    const fileName = checkFileName(name);
    return this.locked(scope, async () => {
      const filePath = this.filePath(scope, fileName);
      if (!existsSync(filePath)) throw new MemoryError(`no ${scope} memory named "${name}"`);
      unlinkSync(filePath);
      const commit = await this.commit(scope, [`${fileName}.md`], `forget ${fileName}`, options.reason);
      return { commit };
    });
  }

  /** Renames within one scope (the frontmatter name follows), or moves to another scope when `toScope` differs. */
  async rename(
    scope: MemoryScope,
    from: string,
    to: string,
    options: ChangeOptions & { toScope?: MemoryScope } = {},
  ): Promise<WriteResult> {
    const toScope = options.toScope ?? scope;
    this.requireScope(toScope);
    const source = this.read(scope, from);
    // The source may be a hand edit that never went through write(), so it is redacted here too.
    const { memory: redacted, redactions } = this.redactMemory({ ...source.memory, name: to });
    const target = this.validate(redacted);
    if (this.exists(toScope, target.name))
      throw new MemoryError(`a ${toScope} memory named "${to}" already exists`);
    if (toScope !== scope) {
      const reason = options.reason ?? `moved from ${scope} scope`;
      const result = await this.write(toScope, target, { ...options, reason });
      await this.remove(scope, from, { reason: `moved to ${toScope} scope as ${target.name}` });
      return result;
    }
    return this.locked(scope, async () => {
      const fromPath = this.filePath(scope, checkFileName(from));
      const toPath = this.filePath(scope, target.name);
      const completed = completeMemory(target, { now: this.now(), sessionId: options.sessionId });
      writeFileAtomic(toPath, serializeMemory(completed));
      unlinkSync(fromPath);
      const commit = await this.commit(
        scope,
        [`${path.basename(fromPath)}`, `${target.name}.md`],
        `rename ${from} to ${target.name}`,
        options.reason,
      );
      return { memory: completed, filePath: toPath, created: false, commit, redactions };
    });
  }

  /** name + content hash + mtime per file, so a derived index can rebuild only what changed. */
  snapshot(scope?: MemoryScope): SnapshotEntry[] {
    const scopes = scope ? [this.requireScope(scope)] : this.enabledScopes;
    return scopes.flatMap((each) =>
      this.memoryFileNames(each).flatMap((fileName) => {
        const filePath = path.join(this.folders[each], fileName);
        try {
          const content = readFileSync(filePath);
          const hash = createHash("sha256").update(content).digest("hex");
          return [
            { scope: each, name: fileName.slice(0, -3), filePath, hash, mtimeMs: statSync(filePath).mtimeMs },
          ];
        } catch {
          return []; // removed between listing and reading
        }
      }),
    );
  }

  async log(scope: MemoryScope, limit = 20): Promise<HistoryEntry[]> {
    return historyLog(this.versionedFolder(scope), limit);
  }

  async diff(scope: MemoryScope, ref?: string): Promise<string> {
    return historyDiff(this.versionedFolder(scope), ref);
  }

  /** Reverts the last change as a new commit (so the undo is undoable too). */
  async undo(scope: MemoryScope): Promise<HistoryEntry> {
    const folder = this.versionedFolder(scope);
    return this.locked(scope, () => historyUndo(folder));
  }

  filePath(scope: MemoryScope, name: string): string {
    return path.join(this.folders[scope], `${name}.md`);
  }

  isEnabled(scope: MemoryScope): boolean {
    return this.enabledScopes.includes(scope);
  }

  /** Applies the redactor to every text field; returns how many secrets it removed. */
  redactMemory(memory: Memory): { memory: Memory; redactions: number } {
    let redactions = 0;
    const clean = (text: string): string => {
      const result = this.redact(text);
      redactions += result.redactions.length;
      return result.text;
    };
    const cleanValue = (value: unknown): unknown => {
      if (typeof value === "string") return clean(value);
      if (Array.isArray(value)) return value.map(cleanValue);
      if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, cleanValue(inner)]));
      }
      return value;
    };
    const redacted: Memory = {
      ...memory,
      name: clean(memory.name),
      description: clean(memory.description),
      body: clean(memory.body),
    };
    if (memory.source !== undefined) redacted.source = clean(memory.source);
    if (memory.paths) redacted.paths = memory.paths.map(clean);
    if (memory.links) redacted.links = memory.links.map(clean);
    if (memory.extra) redacted.extra = cleanValue(memory.extra) as Record<string, unknown>;
    return { memory: redacted, redactions };
  }

  /** Commit message: what changed, then why; one line, redacted, bounded. */
  private async commit(
    scope: MemoryScope,
    files: string[],
    what: string,
    reason: string | undefined,
  ): Promise<string | undefined> {
    if (!isVersionedScope(scope)) return undefined;
    const why = reason ? this.redact(reason.replace(/\s+/g, " ").trim()).text.slice(0, 200) : "";
    return commitFiles(this.folders[scope], files, why ? `${what}: ${why}` : what);
  }

  /** Holds the scope lock; in versioned scopes also makes the repository and records hand edits first. */
  private locked<T>(scope: MemoryScope, work: () => Promise<T>): Promise<T> {
    const folder = this.folders[scope];
    return withScopeLock(
      folder,
      async () => {
        if (isVersionedScope(scope)) {
          await ensureRepository(folder, scope);
          await redactHandEdits(folder, this.redact);
          await commitHandEdits(folder);
        }
        return work();
      },
      this.lockOptions,
    );
  }

  private validate(memory: Memory): Memory {
    try {
      return validateMemory(memory);
    } catch (error) {
      if (error instanceof InvalidMemoryError) throw new MemoryError(error.message);
      throw error;
    }
  }

  private requireScope(scope: MemoryScope): MemoryScope {
    if (!(MEMORY_SCOPES as readonly string[]).includes(scope)) {
      throw new MemoryError(`unknown memory scope "${scope}" (user, project or local)`);
    }
    if (!this.enabledScopes.includes(scope)) throw new MemoryError(`the ${scope} memory scope is disabled`);
    return scope;
  }

  private versionedFolder(scope: MemoryScope): string {
    this.requireScope(scope);
    if (!isVersionedScope(scope)) {
      throw new MemoryError("project memory has no tacit history: it is versioned by the project's own git");
    }
    return this.folders[scope];
  }

  private memoryFileNames(scope: MemoryScope): string[] {
    try {
      return readdirSync(this.folders[scope], { withFileTypes: true })
        .filter((entry) => entry.isFile() && MEMORY_FILE.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch {
      return []; // the folder does not exist until the first write
    }
  }

  private load(scope: MemoryScope, fileName: string): ReadMemory | undefined {
    const filePath = this.filePath(scope, fileName);
    let text: string;
    let mtime: Date;
    try {
      text = readFileSync(filePath, "utf8");
      mtime = statSync(filePath).mtime;
    } catch {
      return undefined;
    }
    const { memory, warnings } = parseMemoryFile(text, fileName);
    const missing = this.freshnessScopes.includes(scope) ? missingPaths(memory, this.projectRoot) : [];
    return {
      scope,
      name: fileName,
      description: memory.description,
      type: memory.type,
      updated: memory.updated ?? mtime.toISOString(),
      paths: memory.paths ?? [],
      links: memory.links ?? [],
      filePath,
      stale: missing.length > 0,
      missingPaths: missing,
      warnings,
      memory,
      text,
    };
  }
}

function stripRead(entry: ReadMemory): MemoryEntry {
  const { memory: _memory, text: _text, ...rest } = entry;
  return rest;
}

/** A name that can only address a file directly inside the scope folder. */
function checkFileName(name: string): string {
  const trimmed = name.endsWith(".md") ? name.slice(0, -3) : name;
  if (!trimmed || trimmed.startsWith(".") || /[/\\\0]/.test(trimmed)) {
    throw new MemoryError(`"${name}" is not a memory name`);
  }
  return trimmed;
}

/** For callers that take a name from the user: the schema's message when it is not a valid new name. */
export function checkNewMemoryName(name: string): string {
  const result = memoryNameSchema.safeParse(name);
  if (!result.success)
    throw new MemoryError(`"${name}": ${result.error.issues[0]?.message ?? "invalid name"}`);
  return result.data;
}
