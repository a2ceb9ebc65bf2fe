import { existsSync } from "node:fs";
import path from "node:path";
import { UserFacingError } from "../core/errors.ts";
import { composeMemoryBody } from "../memory/memory-file.ts";
import type { MemoryService } from "../memory/memory-service.ts";
import { redactSecrets } from "../memory/redaction.ts";
import { isMemoryScope, type MemoryScope } from "../memory/scopes.ts";
import type { TuiMemoryHost } from "../modes/tui/host.ts";
import { deriveMemoryName, firstSentence } from "./commands/memory-change.ts";

/**
 * /memory and /remember over the run's MemoryService. remember writes the way
 * `tacit remember` does (same name, description, type and default scope), but
 * through the open service, so the search index sees it at once.
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
    remember: async (raw) => {
      // Redacted before the name and description are derived, so no secret reaches a file name.
      const redaction = redactSecrets(raw.trim());
      const text = redaction.text;
      if (!text) throw new UserFacingError("nothing to remember: /remember <text>");
      const inGitRepository = existsSync(path.join(store.projectRoot, ".git"));
      const preferred: MemoryScope = inGitRepository ? "project" : "user";
      const scope = store.isEnabled(preferred) ? preferred : (store.enabledScopes[0] ?? preferred);
      const baseName = deriveMemoryName(firstSentence(text).replace(/…$/, ""));
      let name = baseName;
      // name-2, name-3 …: never silently replace an unrelated memory that slugifies the same.
      for (let suffix = 2; store.exists(scope, name); suffix++) name = `${baseName}-${suffix}`;
      const type = scope === "user" ? "preference" : "project";
      const result = await store.write(
        scope,
        { name, description: firstSentence(text), type, body: composeMemoryBody({ fact: text }) },
        { reason: "/remember in the TUI", sessionId: sessionId() },
      );
      memory.syncIndex();
      const redacted = result.redactions + redaction.redactions.length > 0 ? " (secrets redacted)" : "";
      return `Remembered ${scope}/${name} (${type})${redacted}`;
    },
  };
}
