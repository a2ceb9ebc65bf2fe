import path from "node:path";
import { projectStateDirectory } from "../config/paths.ts";

/**
 * user: this user, every project. project: shared with the team through the
 * repository. local: this user, this project only.
 */
export const MEMORY_SCOPES = ["user", "project", "local"] as const;
export type MemoryScope = (typeof MEMORY_SCOPES)[number];

export type MemoryScopeFolders = Record<MemoryScope, string>;

export function isMemoryScope(value: string): value is MemoryScope {
  return (MEMORY_SCOPES as readonly string[]).includes(value);
}

/** The folder of each scope, from the tacit home (~/.tacit) and the project root. */
export function memoryScopes(locations: { home: string; projectRoot: string }): MemoryScopeFolders {
  return {
    user: path.join(locations.home, "memory"),
    project: path.join(locations.projectRoot, ".tacit", "memory"),
    local: path.join(projectStateDirectory(locations.home, locations.projectRoot), "memory"),
  };
}

/**
 * The scopes that do not exist here, with the reason to give. Outside a git
 * repository there is no project: no project scope (its folder would be
 * wherever tacit was started, `~/.tacit/memory` itself when started in `~`,
 * listing every memory twice) and no local scope (private notes on a project
 * that is not there; a fresh one for every folder tacit is started in). Only the
 * user scope remains. A repository whose root holds the user scope's folder
 * (a home folder kept in git) has no project scope either.
 */
export function unavailableScopes(where: {
  inRepository: boolean;
  projectIsUserFolder: boolean;
}): Partial<Record<MemoryScope, string>> {
  if (!where.inRepository) {
    const reason = (scope: MemoryScope) =>
      `there is no ${scope} memory outside a git repository (run tacit inside one, or use the user scope)`;
    return { project: reason("project"), local: reason("local") };
  }
  if (where.projectIsUserFolder) {
    return { project: "the project memory folder here is the user memory folder; use the user scope" };
  }
  return {};
}

/** The project scope lives in the user's own repository; tacit writes it but never commits it. */
export function isVersionedScope(scope: MemoryScope): boolean {
  return scope !== "project";
}
