import path from "node:path";
import { type MemoryCommandTarget, wrapTarget } from "./memory-commands.ts";
import type { MemoryEntry, ReadMemory } from "./memory-types.ts";
import type { MemoryScope } from "./scopes.ts";

/**
 * A memory command target that notes each change that went through, so a pass that changed memory on
 * the user's behalf (tacit init) can say what it wrote. With `dryRun` nothing is written: each change is
 * worked out against the current files (and refused as it would be) and noted as what would happen.
 */

export interface MemoryChange {
  action: "create" | "update" | "delete" | "rename";
  scope: MemoryScope;
  name: string;
  /** The new name (rename). */
  to?: string;
  /** The memory's description after the change (create, update). */
  description?: string;
}

export interface RecordingTarget {
  target: MemoryCommandTarget;
  /** In the order they happened. */
  readonly changes: readonly MemoryChange[];
}

export function recordChanges(
  inner: MemoryCommandTarget,
  options: { dryRun?: boolean } = {},
): RecordingTarget {
  const changes: MemoryChange[] = [];
  const current = (scope: MemoryScope, name: string): ReadMemory | undefined =>
    inner.list(scope).some((entry: MemoryEntry) => entry.name === name) ? inner.read(scope, name) : undefined;
  const target = wrapTarget(inner, {
    update: async (scope, name, change, changeOptions) => {
      if (options.dryRun) {
        const before = current(scope, name);
        const memory = change(before);
        changes.push({ action: before ? "update" : "create", scope, name, description: memory.description });
        const filePath = path.join(path.dirname(before?.filePath ?? ""), `${name}.md`);
        return { memory, filePath, created: !before, redactions: 0 };
      }
      const result = await inner.update(scope, name, change, changeOptions);
      changes.push({
        action: result.created ? "create" : "update",
        scope,
        name: result.memory.name,
        description: result.memory.description,
      });
      return result;
    },
    remove: async (scope, name, changeOptions) => {
      // A dry run still refuses what the real one would: deleting a memory that is not there.
      if (options.dryRun) inner.read(scope, name);
      const result = options.dryRun ? {} : await inner.remove(scope, name, changeOptions);
      changes.push({ action: "delete", scope, name });
      return result;
    },
    rename: async (scope, from, to, changeOptions) => {
      const read = inner.read(scope, from);
      const result = options.dryRun
        ? {
            memory: { ...read.memory, name: to },
            filePath: path.join(path.dirname(read.filePath), `${to}.md`),
            created: true,
            redactions: 0,
          }
        : await inner.rename(scope, from, to, changeOptions);
      changes.push({ action: "rename", scope, name: from, to });
      return result;
    },
  });
  return { target, changes };
}

/** One line per change: `created project/build-commands: How to build and test`. */
export function describeChanges(changes: readonly MemoryChange[], dryRun = false): string[] {
  const verbs = dryRun
    ? { create: "would create", update: "would update", delete: "would delete", rename: "would rename" }
    : { create: "created", update: "updated", delete: "deleted", rename: "renamed" };
  return changes.map((change) => {
    const subject = `${change.scope}/${change.name}${change.to ? ` → ${change.to}` : ""}`;
    return `${verbs[change.action]} ${subject}${change.description ? `: ${change.description}` : ""}`;
  });
}
