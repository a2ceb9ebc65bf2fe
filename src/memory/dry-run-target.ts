import type { MemoryCommandTarget } from "./memory-commands.ts";
import { type Memory, serializeMemory, validateMemory } from "./memory-file.ts";
import { type MemoryEntry, MemoryError, type ReadMemory } from "./memory-store.ts";
import type { MemoryScope } from "./scopes.ts";

/**
 * A target that changes nothing: writes land in an overlay held in memory, so the model's later
 * views and edits see what it "wrote" (its tool results stay plausible and the plan it makes is the
 * one a real run would make), while files, commits and the inbox stay untouched.
 */
export function dryRunTarget(base: MemoryCommandTarget): MemoryCommandTarget {
  // `<scope>/<name>` → the memory as the dry run left it, or null for one it deleted.
  const overlay = new Map<string, ReadMemory | null>();
  const key = (scope: MemoryScope, name: string) => `${scope}/${name}`;

  const read = (scope: MemoryScope, name: string): ReadMemory => {
    const planned = overlay.get(key(scope, name));
    if (planned === null) throw new MemoryError(`no ${scope} memory named "${name}"`);
    return planned ?? base.read(scope, name);
  };
  const readIfAny = (scope: MemoryScope, name: string): ReadMemory | undefined => {
    try {
      return read(scope, name);
    } catch {
      return undefined;
    }
  };
  const plan = (scope: MemoryScope, memory: Memory): ReadMemory => {
    const valid = validateMemory(memory);
    const planned: ReadMemory = {
      scope,
      name: valid.name,
      description: valid.description,
      type: valid.type,
      updated: new Date().toISOString(),
      paths: valid.paths ?? [],
      links: valid.links ?? [],
      filePath: `(dry run) ${scope}/${valid.name}.md`,
      stale: false,
      missingPaths: [],
      conflict: false,
      pinned: valid.pinned === true,
      warnings: [],
      memory: valid,
      text: serializeMemory(valid),
    };
    overlay.set(key(scope, valid.name), planned);
    return planned;
  };

  return {
    get enabledScopes() {
      return base.enabledScopes;
    },
    isEnabled: (scope) => base.isEnabled(scope),
    read,
    list: (scope) => {
      const entries = new Map<string, MemoryEntry>();
      for (const entry of base.list(scope)) entries.set(key(entry.scope, entry.name), entry);
      for (const [name, planned] of overlay) {
        if (planned === null) entries.delete(name);
        else if (!scope || planned.scope === scope) entries.set(name, planned);
      }
      return [...entries.values()];
    },
    update: async (scope, name, change) => {
      const current = readIfAny(scope, name);
      const planned = plan(scope, change(current));
      if (planned.name !== name) overlay.set(key(scope, name), null);
      return { memory: planned.memory, filePath: planned.filePath, created: !current, redactions: 0 };
    },
    remove: async (scope, name) => {
      read(scope, name);
      overlay.set(key(scope, name), null);
      return {};
    },
    rename: async (scope, from, to, options) => {
      const source = read(scope, from);
      const toScope = options?.toScope ?? scope;
      if (readIfAny(toScope, to)) throw new MemoryError(`a ${toScope} memory named "${to}" already exists`);
      const planned = plan(toScope, { ...source.memory, name: to });
      overlay.set(key(scope, from), null);
      return { memory: planned.memory, filePath: planned.filePath, created: false, redactions: 0 };
    },
  };
}
