import { type MemoryCommandTarget, wrapTarget } from "../../memory/memory-commands.ts";
import { MemoryError } from "../../memory/memory-error.ts";
import type { MemoryScope } from "../../memory/scopes.ts";

/**
 * The memory tool's target for a session that ran in another project (`tacit learn --all-projects`,
 * or a path): its facts about that project must not land in this one's memory, not even as a
 * proposal, so any change to the project or local scope is refused with a tool error the model can
 * read. Only the user scope, preferences that hold in every project, can be written. Reads pass through.
 */
export function userScopeOnlyTarget(inner: MemoryCommandTarget, otherProject: string): MemoryCommandTarget {
  const refuseUnlessUser = (scope: MemoryScope) => {
    if (scope !== "user")
      throw new MemoryError(
        `this session was in another project (${otherProject}): only /memories/user applies here`,
      );
  };
  return wrapTarget(inner, {
    update: async (scope, name, change, options) => {
      refuseUnlessUser(scope);
      return inner.update(scope, name, change, options);
    },
    remove: async (scope, name, options) => {
      refuseUnlessUser(scope);
      return inner.remove(scope, name, options);
    },
    rename: async (scope, from, to, options) => {
      refuseUnlessUser(scope);
      refuseUnlessUser(options?.toScope ?? scope);
      return inner.rename(scope, from, to, options);
    },
  });
}

/** What reflection is told about such a session, before its digest. */
export function otherProjectNote(otherProject: string): string {
  return `It ran in another project (${otherProject}), not the one this memory belongs to: keep only lessons about the user that hold in every project (preferences, habits, how they like to work), in /memories/user. Facts about that project, its code, commands and conventions do not belong here; changes to /memories/project and /memories/local are refused.`;
}
