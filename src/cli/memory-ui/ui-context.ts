import type { DatabaseSync } from "node:sqlite";
import { UserFacingError } from "../../core/errors.ts";
import type { MemoryService } from "../../memory/memory-service.ts";
import { isMemoryScope, type MemoryScope } from "../../memory/scopes.ts";
import type { MemoryCatalog } from "./catalog.ts";

/** What the browser's handlers work with: the same memory service and database a CLI command opens. */
export interface UiContext {
  service: MemoryService;
  database: DatabaseSync;
  home: string;
  projectRoot: string;
  catalog: MemoryCatalog;
  /** Starts the commit messages of changes made from the page ("ui: forget …"). */
  actor: string;
}

/** A scope the page named, checked: one of the three and enabled here. */
export function requireScope(context: UiContext, scope: string): MemoryScope {
  if (!isMemoryScope(scope) || !context.service.store.isEnabled(scope)) {
    throw new UserFacingError(`unknown or disabled memory scope "${scope}"`);
  }
  return scope;
}
