import { dryRunTarget } from "./dry-run-target.ts";
import { type MemoryCommandTarget, wrapTarget } from "./memory-commands.ts";
import type { MemoryScope } from "./scopes.ts";

/**
 * A memory command target that notes each change that went through, so a pass that changed memory on
 * the user's behalf (tacit init) can say what it wrote. With `dryRun` nothing is written: each change is
 * worked out (and refused as it would be) in an overlay and noted as what would happen.
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
  // A dry run writes into an overlay (dry-run-target.ts): each change is worked out, and refused, as a
  // real one would be, and later reads see it, while nothing reaches the files.
  const base = options.dryRun ? dryRunTarget(inner) : inner;
  const target = wrapTarget(base, {
    update: async (scope, name, change, changeOptions) => {
      const result = await base.update(scope, name, change, changeOptions);
      changes.push({
        action: result.created ? "create" : "update",
        scope,
        name: result.memory.name,
        description: result.memory.description,
      });
      return result;
    },
    remove: async (scope, name, changeOptions) => {
      const result = await base.remove(scope, name, changeOptions);
      changes.push({ action: "delete", scope, name });
      return result;
    },
    rename: async (scope, from, to, changeOptions) => {
      const result = await base.rename(scope, from, to, changeOptions);
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
