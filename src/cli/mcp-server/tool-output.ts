import { parseMemoryDocumentId } from "../../memory/memory-service.ts";
import type { MemoryEntry, ReadMemory } from "../../memory/memory-types.ts";
import type { MemoryScope } from "../../memory/scopes.ts";
import type { SearchResult, SearchScope } from "../../memory/search/types.ts";

// A client's context is not ours to fill: a memory's body or a past turn is cut here, with "…".
const MAX_BODY_CHARACTERS = 1_500;

/** The index's scopes for a search tool's `scope` (undefined: everything). */
export function searchScopes(scope: string | undefined): SearchScope[] | undefined {
  if (scope === undefined || scope === "all") return undefined;
  return scope === "sessions" ? ["session"] : [scope as MemoryScope];
}

/** One line of `list`: where it is, what kind, what it says, and a stale mark. */
export function entryLine(entry: MemoryEntry): string {
  const stale = entry.stale ? ` (stale: ${entry.missingPaths.join(", ")} no longer exist)` : "";
  return `${entry.scope}/${entry.name} (${entry.type}): ${entry.description}${stale}`;
}

/**
 * Search results as the client's model reads them: each memory whole (its
 * description and body, as tacit's own recall shows it), each past turn as its
 * passage, with why it matched. Everything here was redacted on its way in.
 */
export function formatSearchResults(
  query: string,
  results: readonly SearchResult[],
  read: (scope: MemoryScope, name: string) => ReadMemory | undefined,
): string {
  const blocks = results.flatMap((result) => {
    const date = new Date(result.updatedAt).toISOString().slice(0, 10);
    const why = `matched: ${result.reasons.join("; ")}`;
    if (result.kind === "transcript") {
      const speaker = result.title.split(" ")[0] ?? "message";
      return [
        `[past session ${result.sessionId ?? "?"}, ${date}, ${speaker}] ${cut(result.snippet)}\n${why}`,
      ];
    }
    const parsed = parseMemoryDocumentId(result.id);
    const memory = parsed ? read(parsed.scope, parsed.name) : undefined;
    // Deleted since it was indexed: the next sync drops it.
    if (!parsed || !memory) return [];
    const stale = memory.stale ? ` (stale: ${memory.missingPaths.join(", ")} no longer exist)` : "";
    return [
      `[${parsed.scope}/${memory.name} (${memory.type}), ${date}] ${memory.description}${stale}\n${cut(memory.memory.body.trim())}\n${why}`,
    ];
  });
  if (blocks.length === 0) return `Nothing in memory or past sessions matches "${query}".`;
  return blocks.join("\n\n");
}

function cut(text: string): string {
  return text.length > MAX_BODY_CHARACTERS ? `${text.slice(0, MAX_BODY_CHARACTERS)}…` : text;
}
