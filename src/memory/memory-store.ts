import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import { writeFileAtRealPath } from "../config/atomic-write.ts";
import { projectSlug } from "../config/paths.ts";
import { missingPaths } from "./freshness.ts";
import type { HistoryEntry } from "./git-history.ts";
import type { UndoStep } from "./history-undo.ts";
import { MemoryError } from "./memory-error.ts";
import {
  completeMemory,
  InvalidMemoryError,
  type Memory,
  parseMemoryFile,
  serializeMemory,
  validateMemory,
} from "./memory-file.ts";
import { checkFileName } from "./memory-names.ts";
import { moveToTrash } from "./memory-trash.ts";
import type {
  ChangeOptions,
  MemoryEntry,
  MemoryStoreOptions,
  ReadMemory,
  RemoveResult,
  SnapshotEntry,
  WriteResult,
} from "./memory-types.ts";
import { redactMemoryFields } from "./redact-memory.ts";
import { redactSecrets } from "./redaction.ts";
import { Notices, ScopeHistory } from "./scope-history.ts";
import { ScopePaths } from "./scope-paths.ts";
import {
  isVersionedScope,
  MEMORY_SCOPES,
  type MemoryScope,
  type MemoryScopeFolders,
  unavailableScopes,
} from "./scopes.ts";
import { withoutSettledConflict } from "./sync/conflict.ts";

export { MemoryError } from "./memory-error.ts";
export { checkNewMemoryName } from "./memory-names.ts";

export type * from "./memory-types.ts";

const MEMORY_FILE = /^[^.].*\.md$/;

/**
 * The three memory scopes as folders of Markdown files. Every write is
 * redacted, validated, written atomically under a per-scope lock, and (in the
 * user and local scopes) committed to the folder's own git repository.
 */
export class MemoryStore {
  readonly folders: MemoryScopeFolders;
  readonly enabledScopes: readonly MemoryScope[];
  /** Scopes that do not exist here (outside a git repository), with the reason to give. */
  readonly unavailable: Partial<Record<MemoryScope, string>>;
  readonly projectRoot: string;
  private readonly paths: ScopePaths;
  private readonly trashFolder: string;
  /** Scopes whose memories are checked for missing paths (read by the memory index too). */
  readonly freshnessScopes: readonly MemoryScope[];
  private readonly redact: (text: string) => { text: string; redactions: unknown[] };
  private readonly now: () => Date;
  private readonly notices = new Notices();
  private readonly history: ScopeHistory;

  constructor(options: MemoryStoreOptions) {
    this.folders = options.folders;
    this.projectRoot = options.projectRoot ?? path.dirname(path.dirname(options.folders.project));
    this.paths = new ScopePaths(options.folders, this.projectRoot);
    this.unavailable = unavailableScopes({
      inRepository: options.inRepository ?? existsSync(path.join(this.projectRoot, ".git")),
      projectIsUserFolder: this.paths.sameFolder("project", "user"),
    });
    this.enabledScopes = MEMORY_SCOPES.filter(
      (scope) => (options.enabledScopes ?? MEMORY_SCOPES).includes(scope) && !this.unavailable[scope],
    );
    this.trashFolder =
      options.trashFolder ??
      path.join(path.dirname(options.folders.user), "trash", projectSlug(this.projectRoot));
    this.freshnessScopes = options.freshnessScopes ?? ["project", "local"];
    this.redact = options.redact ?? redactSecrets;
    this.now = options.now ?? (() => new Date());
    this.history = new ScopeHistory({
      folders: this.folders,
      paths: this.paths,
      notices: this.notices,
      redact: this.redact,
      lock: options.lock ?? {},
    });
  }

  /**
   * One-line notices for the user, each handed out once: a memory history that
   * was repaired or could not record a change, a memory file whose frontmatter
   * is broken, a memory link that leads out of its folder.
   */
  takeNotices(): string[] {
    return this.notices.take();
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
    const fileName = checkFileName(name);
    this.paths.realFile(scope, fileName);
    const entry = this.load(scope, fileName);
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
    options: ChangeOptions & { replaces?: readonly string[] } = {},
  ): Promise<WriteResult> {
    this.requireScope(scope);
    const fileName = checkFileName(name);
    // Memories of the scope this one takes the place of (a merge): removed in the same commit.
    const replaced = (options.replaces ?? []).map(checkFileName).filter((other) => other !== fileName);
    return this.history.locked(scope, async (historyReady) => {
      this.paths.realFile(scope, fileName);
      const previous = this.load(scope, fileName);
      const next = withoutSettledConflict(change(previous), previous?.memory);
      const { memory: redacted, redactions } = this.redactMemory(next);
      const valid = this.validate(redacted);
      const filePath = this.filePath(scope, valid.name);
      if (valid.name !== fileName) this.paths.realFile(scope, valid.name);
      const replacedFile = valid.name === fileName ? previous : this.load(scope, valid.name);
      const completed = completeMemory(
        { ...valid, created: valid.created ?? replacedFile?.memory.created },
        { now: this.now(), sessionId: options.sessionId },
      );
      // The umask's mode, as the user's other files: memories are redacted as they are written, meant to be
      // read and edited by hand (a project's are shared through git), and user and local ones sit in the 0700 home.
      // At the real path just checked to be in the scope's folder, following no link swapped in since.
      writeFileAtRealPath(this.paths.realFile(scope, valid.name), serializeMemory(completed));
      for (const other of replaced) this.removeFile(scope, other, historyReady);
      const verb = replacedFile ? "update" : "create";
      const commit = await this.history.commit(
        scope,
        historyReady,
        [`${valid.name}.md`, ...replaced.map((other) => `${other}.md`)],
        replaced.length
          ? `merge ${replaced.join(", ")} into ${valid.name}`
          : `${verb} ${valid.type} ${valid.name}`,
        options,
      );
      return { memory: completed, filePath, created: !replacedFile, commit, redactions };
    });
  }

  /**
   * Deletes a memory, always leaving a way back: in the user and local scopes
   * the commit (undo restores it); where no history keeps it (the project
   * scope, whose files tacit never commits, or a history that failed) a
   * redacted copy in the trash folder. `keepCopy: false` is for a memory that
   * lives on elsewhere (moved to another scope).
   */
  async remove(
    scope: MemoryScope,
    name: string,
    options: ChangeOptions & { keepCopy?: boolean } = {},
  ): Promise<RemoveResult> {
    this.requireScope(scope);
    const fileName = checkFileName(name);
    return this.history.locked(scope, async (historyReady) => {
      const trashedTo = this.removeFile(scope, fileName, historyReady, options.keepCopy !== false);
      const commit = await this.history.commit(
        scope,
        historyReady,
        [`${fileName}.md`],
        `forget ${fileName}`,
        options,
      );
      return trashedTo ? { commit, trashedTo } : { commit };
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
      const moved = `moved to ${toScope} scope as ${target.name}`;
      await this.remove(scope, from, { ...options, reason: moved, keepCopy: false });
      return result;
    }
    return this.history.locked(scope, async (historyReady) => {
      this.paths.realFile(scope, checkFileName(from));
      this.paths.realFile(scope, target.name);
      const fromPath = this.filePath(scope, checkFileName(from));
      const toPath = this.filePath(scope, target.name);
      const completed = completeMemory(target, { now: this.now(), sessionId: options.sessionId });
      writeFileAtRealPath(this.paths.realFile(scope, target.name), serializeMemory(completed));
      unlinkSync(fromPath);
      const commit = await this.history.commit(
        scope,
        historyReady,
        [`${path.basename(fromPath)}`, `${target.name}.md`],
        `rename ${from} to ${target.name}`,
        options,
      );
      return { memory: completed, filePath: toPath, created: false, commit, redactions };
    });
  }

  /** name, mtime, ctime and size per file, from one stat each (no file is read), so a derived index can rebuild only what changed. */
  snapshot(scope?: MemoryScope): SnapshotEntry[] {
    const scopes = scope ? [this.requireScope(scope)] : this.enabledScopes;
    return scopes.flatMap((each) => {
      const folder = path.resolve(this.folders[each]);
      return this.memoryFileNames(each).flatMap((fileName) => {
        const filePath = `${folder}${path.sep}${fileName}`; // not path.join: 20,000 normalisations show at start
        const stats = statSync(filePath, { throwIfNoEntry: false }); // undefined: removed since the listing
        if (!stats) return [];
        const { mtimeMs, ctimeMs, size } = stats;
        return [{ scope: each, name: fileName.slice(0, -3), filePath, mtimeMs, ctimeMs, size }];
      });
    });
  }

  async log(scope: MemoryScope, limit = 20): Promise<HistoryEntry[]> {
    this.versionedFolder(scope);
    return this.history.log(scope, limit);
  }

  async diff(scope: MemoryScope, ref?: string): Promise<string> {
    this.versionedFolder(scope);
    return this.history.diff(scope, ref);
  }

  /** Steps back `steps` changes, each reverted by a new commit; a second undo walks further back (history-undo.ts). */
  async undo(scope: MemoryScope, steps = 1): Promise<UndoStep[]> {
    this.versionedFolder(scope);
    return this.history.undo(scope, steps);
  }

  filePath(scope: MemoryScope, name: string): string {
    return path.join(this.folders[scope], `${name}.md`);
  }

  isEnabled(scope: MemoryScope): boolean {
    return this.enabledScopes.includes(scope);
  }

  /** Applies the redactor to every text field; returns how many secrets it removed. */
  redactMemory(memory: Memory): { memory: Memory; redactions: number } {
    return redactMemoryFields(memory, this.redact);
  }

  /** Deletes a memory file, first copied to the trash when no history keeps it (and a copy is wanted). */
  private removeFile(scope: MemoryScope, fileName: string, historyReady: boolean, keepCopy = true) {
    this.paths.realFile(scope, fileName);
    const filePath = this.filePath(scope, fileName);
    if (!existsSync(filePath)) throw new MemoryError(`no ${scope} memory named "${fileName}"`);
    const trashedTo =
      keepCopy && !historyReady
        ? moveToTrash({
            filePath,
            trashFolder: this.trashFolder,
            scope,
            now: this.now(),
            redact: this.redact,
          })
        : undefined;
    if (!trashedTo) unlinkSync(filePath);
    return trashedTo;
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
    const unavailable = this.unavailable[scope];
    if (unavailable) throw new MemoryError(unavailable);
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

  /** The memory files of a scope's folder ("<name>.md"), sorted: one readdir, no stat. */
  memoryFileNames(scope: MemoryScope): string[] {
    try {
      this.paths.realFolder(scope);
    } catch (error) {
      // A project folder leading out of the repository is not read (nor indexed): said once, then skipped.
      if (error instanceof MemoryError) this.notices.add(error.message);
      return [];
    }
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
    const { memory, warnings, broken } = parseMemoryFile(text, fileName);
    if (broken)
      this.notices.add(
        `${filePath}: ${broken}; read as a "${memory.type}" memory from what could be read (fix the file, or run tacit memory edit ${fileName})`,
      );
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
      pinned: memory.pinned === true,
      warnings,
      conflict: memory.conflict === true,
      ...(broken ? { broken } : {}),
      memory,
      text,
    };
  }
}

function stripRead(entry: ReadMemory): MemoryEntry {
  const { memory: _memory, text: _text, ...rest } = entry;
  return rest;
}
