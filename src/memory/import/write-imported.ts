import { writeFileAtomic } from "../../config/atomic-write.ts";
import { MemoryError } from "../memory-error.ts";
import {
  completeMemory,
  InvalidMemoryError,
  type Memory,
  serializeMemory,
  validateMemory,
} from "../memory-file.ts";
import type { MemoryStore } from "../memory-store.ts";
import { redactSecrets } from "../redaction.ts";
import { Notices, ScopeHistory } from "../scope-history.ts";
import { ScopePaths } from "../scope-paths.ts";
import type { MemoryScope } from "../scopes.ts";

export interface ImportedMemory {
  memory: Memory;
  redactions: number;
}

/**
 * Writes a batch of new memories into one scope as one change: under the
 * scope's lock, each redacted, validated and stamped as the store would, then
 * one commit (`import: …`) for all of them, so `tacit memory undo` takes a
 * whole import back in one step. Every memory is checked before any file is
 * written: an invalid one stops the import with nothing written. Names must be
 * free (the caller made them unique); one taken meanwhile is refused too.
 */
export async function writeImportedMemories(
  store: MemoryStore,
  scope: MemoryScope,
  memories: readonly Memory[],
  change: { summary: string; reason: string; now?: Date; replacing?: ReadonlySet<string> },
): Promise<{ written: ImportedMemory[]; commit?: string; notices: string[] }> {
  if (!store.isEnabled(scope))
    throw new MemoryError(`the ${scope} memory scope is turned off or unavailable here`);
  const paths = new ScopePaths(store.folders, store.projectRoot);
  const notices = new Notices();
  const history = new ScopeHistory({
    folders: store.folders,
    paths,
    notices,
    redact: redactSecrets,
    lock: {},
  });
  const now = change.now ?? new Date();
  const result = await history.locked(scope, async (historyReady) => {
    const prepared = memories.map((memory) => {
      paths.realFile(scope, memory.name);
      const replaced = change.replacing?.has(memory.name);
      if (!replaced && store.exists(scope, memory.name))
        throw new MemoryError(`a ${scope} memory named "${memory.name}" exists`);
      const created = replaced ? store.read(scope, memory.name).memory.created : undefined;
      const { memory: redacted, redactions } = store.redactMemory({
        ...memory,
        ...(created ? { created } : {}),
      });
      return { memory: completeMemory(validated(redacted), { now }), redactions };
    });
    for (const each of prepared)
      writeFileAtomic(store.filePath(scope, each.memory.name), serializeMemory(each.memory));
    const commit = await history.commit(
      scope,
      historyReady,
      prepared.map((each) => `${each.memory.name}.md`),
      change.summary,
      { actor: "import", reason: change.reason },
    );
    return { written: prepared, ...(commit ? { commit } : {}) };
  });
  return { ...result, notices: notices.take() };
}

function validated(memory: Memory): Memory {
  try {
    return validateMemory(memory);
  } catch (error) {
    if (error instanceof InvalidMemoryError) throw new MemoryError(error.message);
    throw error;
  }
}
