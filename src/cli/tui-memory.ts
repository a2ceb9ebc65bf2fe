import { UserFacingError } from "../core/errors.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import { isMemoryScope, type MemoryScope } from "../memory/scopes.ts";
import type { TuiMemoryHost } from "../modes/tui/host.ts";

/**
 * /memory and /remember over the run's MemoryService. remember goes through
 * MemoryService.remember, like `tacit remember`: same name, description, type
 * and default scope, and the search index sees it at once.
 */
export function createTuiMemoryHost(memory: MemoryService, sessionId: () => string): TuiMemoryHost {
  const store = memory.store;
  const scopeOf = (scope: string): MemoryScope => {
    if (!isMemoryScope(scope)) throw new UserFacingError(`unknown memory scope "${scope}"`);
    return scope;
  };
  return {
    list: async () =>
      store.list().map((entry) => ({
        scope: entry.scope,
        name: entry.name,
        description: entry.stale ? `${entry.description} (stale)` : entry.description,
        type: entry.type,
      })),
    show: async (scope, name) => store.read(scopeOf(scope), name).text,
    forget: async (scope, name) => {
      await store.remove(scopeOf(scope), name, {
        reason: "forgotten in the TUI (/memory)",
        sessionId: sessionId(),
      });
      memory.syncIndex();
    },
    remember: async (text) => {
      if (!text.trim()) throw new UserFacingError("nothing to remember: /remember <text>");
      const remembered = await memory.remember(text, {
        reason: "/remember in the TUI",
        sessionId: sessionId(),
      });
      const redacted = remembered.redactions > 0 ? " (secrets redacted)" : "";
      return `Remembered ${remembered.scope}/${remembered.name} (${remembered.type})${redacted}`;
    },
  };
}
