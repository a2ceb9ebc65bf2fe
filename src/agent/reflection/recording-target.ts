import { type MemoryCommandTarget, wrapTarget } from "../../memory/memory-commands.ts";
import type { ChangeOptions } from "../../memory/memory-types.ts";

/**
 * Wraps where reflection's memory commands go so that every change is said in reflection's words:
 * the commit reason names the session ("reflection: create preference run-linter-first: session
 * …"; the memory tool would say "memory tool create"), and each change is listed for the report
 * (`tacit reflect` prints them). Reads pass through untouched.
 */
export function recordingTarget(
  inner: MemoryCommandTarget,
  sessionLabel: string,
  changes: string[],
): MemoryCommandTarget {
  const named = (options: ChangeOptions | undefined): ChangeOptions => ({
    ...options,
    reason: `session ${sessionLabel}`,
  });
  return wrapTarget(inner, {
    update: async (scope, name, change, options) => {
      const result = await inner.update(scope, name, change, named(options));
      const verb = result.proposed ? "proposed for review:" : result.created ? "created" : "updated";
      changes.push(`${verb} ${scope}/${result.memory.name}`);
      return result;
    },
    remove: async (scope, name, options) => {
      const result = await inner.remove(scope, name, { ...options, ...named(options) });
      changes.push(`${result.proposed ? "proposed for review: delete" : "deleted"} ${scope}/${name}`);
      return result;
    },
    rename: async (scope, from, to, options) => {
      const result = await inner.rename(scope, from, to, { ...options, ...named(options) });
      const verb = result.proposed ? "proposed for review: rename" : "renamed";
      changes.push(`${verb} ${scope}/${from} to ${options?.toScope ?? scope}/${result.memory.name}`);
      return result;
    },
  });
}
