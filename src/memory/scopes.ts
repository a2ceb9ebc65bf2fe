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

/** The project scope lives in the user's own repository; tacit writes it but never commits it. */
export function isVersionedScope(scope: MemoryScope): boolean {
  return scope !== "project";
}
