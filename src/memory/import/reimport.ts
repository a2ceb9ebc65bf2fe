import type { Memory } from "../memory-file.ts";
import type { MemoryStore } from "../memory-store.ts";
import type { MemoryScope } from "../scopes.ts";

/** An import's memories set against what earlier imports of the same file wrote. */
export interface ReimportPlan {
  /** Blocks never imported into this scope: new memories. */
  fresh: Memory[];
  /** Blocks imported before whose text changed: they replace the memory imported then (its name kept). */
  changed: Memory[];
  /** Names of memories imported before from the very same text: left as they are. */
  unchanged: string[];
}

/**
 * Importing the same agent file again must not copy every memory: a memory
 * whose `source` names the same file and block (`letta:loop.af#persona`) is
 * that block's earlier import. Its body is compared as the store would write
 * the new one (secrets redacted), so a block with a secret in it still reads
 * as unchanged.
 */
export function planReimport(
  store: MemoryStore,
  scope: MemoryScope,
  memories: readonly Memory[],
): ReimportPlan {
  const sources = new Set(memories.flatMap((memory) => memory.source ?? []));
  const earlier = new Map<string, { name: string; body: string }>();
  for (const entry of store.list(scope)) {
    const { memory } = store.read(scope, entry.name);
    if (memory.source && sources.has(memory.source) && !earlier.has(memory.source))
      earlier.set(memory.source, { name: memory.name, body: memory.body });
  }
  const plan: ReimportPlan = { fresh: [], changed: [], unchanged: [] };
  for (const memory of memories) {
    const before = memory.source ? earlier.get(memory.source) : undefined;
    if (!before) plan.fresh.push(memory);
    else if (store.redactMemory(memory).memory.body.trim() === before.body.trim())
      plan.unchanged.push(before.name);
    else plan.changed.push({ ...memory, name: before.name });
  }
  return plan;
}
