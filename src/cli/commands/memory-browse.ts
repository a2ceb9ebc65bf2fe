import { UserFacingError } from "../../core/errors.ts";
import type { MemoryEntry } from "../../memory/memory-store.ts";
import { MEMORY_SCOPES, type MemoryScope } from "../../memory/scopes.ts";
import type { SearchResult, SearchScope } from "../../memory/search/types.ts";
import {
  formatDate,
  oneLine,
  parseCount,
  parseScope,
  print,
  printSafe,
  resolveMemoryScope,
  withMemoryContext,
} from "./memory-context.ts";

export async function listMemoryCommand(options: { scope?: string; json?: boolean }): Promise<void> {
  const only = parseScope(options.scope);
  await withMemoryContext((context) => {
    const store = context.service.store;
    const scopes = only ? [only] : store.enabledScopes;
    const groups = scopes.map((scope) => ({
      scope,
      folder: store.folders[scope],
      memories: store.list(scope),
    }));
    if (options.json) {
      const output = groups.map((group) => ({
        scope: group.scope,
        folder: group.folder,
        count: group.memories.length,
        memories: group.memories.map(
          ({ name, type, description, updated, stale, missingPaths, filePath }) => ({
            name,
            type,
            description,
            updated,
            stale,
            missingPaths,
            filePath,
          }),
        ),
      }));
      print(JSON.stringify({ scopes: output }, null, 2));
      return;
    }
    const nameWidth = Math.max(
      0,
      ...groups.flatMap((group) => group.memories.map((entry) => entry.name.length)),
    );
    for (const [index, group] of groups.entries()) {
      if (index > 0) printSafe();
      const count = group.memories.length;
      printSafe(`${group.scope} (${count} ${count === 1 ? "memory" : "memories"})  ${group.folder}`);
      for (const entry of group.memories) printSafe(`  ${entryLine(entry, nameWidth)}`);
    }
    const absent = MEMORY_SCOPES.filter((scope) => store.unavailable[scope]);
    const disabled = MEMORY_SCOPES.filter((scope) => !store.isEnabled(scope) && !store.unavailable[scope]);
    const reasons = new Set(
      absent.map((scope) =>
        context.inGitRepository
          ? (store.unavailable[scope] ?? "")
          : "no project or local memory outside a git repository",
      ),
    );
    if (!only) for (const reason of reasons) printSafe(`\n(${reason})`);
    if (!only && disabled.length) printSafe(`\n(turned off in settings: ${disabled.join(", ")})`);
  });
}

function entryLine(entry: MemoryEntry, nameWidth: number): string {
  const stale = entry.stale ? `  [stale: missing ${entry.missingPaths.join(", ")}]` : "";
  const conflict = entry.conflict ? "  [conflict]" : "";
  return `${entry.name.padEnd(nameWidth)}  ${entry.type.padEnd(10)} ${oneLine(entry.description, 90)}${stale}${conflict}`;
}

export async function showMemoryCommand(name: string, options: { scope?: string }): Promise<void> {
  const requested = parseScope(options.scope);
  await withMemoryContext((context) => {
    const scope = resolveMemoryScope(context, name, requested);
    const memory = context.service.store.read(scope, name);
    const source = memory.memory.source
      ? `session ${memory.memory.source}`
      : "not recorded (hand edit or CLI)";
    const created = memory.memory.created ? formatDate(memory.memory.created) : "unknown";
    printSafe(`${scope} memory ${memory.name}  ${memory.filePath}`);
    printSafe(`written by: ${source}`);
    printSafe(`created ${created}, updated ${formatDate(memory.updated)}`);
    if (memory.stale) printSafe(`stale: missing ${memory.missingPaths.join(", ")}`);
    if (memory.conflict) printSafe("conflict: changed on two machines apart; both versions are kept below");
    for (const warning of memory.warnings) printSafe(`warning: ${warning}`);
    printSafe();
    printSafe(memory.text.endsWith("\n") ? memory.text.slice(0, -1) : memory.text);
  });
}

const SEARCH_SCOPES = [...MEMORY_SCOPES, "sessions", "all"] as const;

export async function searchMemoryCommand(
  words: string[],
  options: { scope?: string; limit?: string; json?: boolean },
): Promise<void> {
  const query = words.join(" ").trim();
  if (!query) throw new UserFacingError("nothing to search for: give some words");
  const scope = options.scope ?? "all";
  if (!(SEARCH_SCOPES as readonly string[]).includes(scope)) {
    throw new UserFacingError(`unknown search scope "${scope}" (use user, project, local, sessions or all)`);
  }
  const limit = parseCount(options.limit, "--limit", 10);
  await withMemoryContext((context) => {
    const scopes: SearchScope[] | undefined =
      scope === "all" ? undefined : scope === "sessions" ? ["session"] : [scope as MemoryScope];
    if (scope !== "all" && scope !== "sessions" && !context.service.store.isEnabled(scope as MemoryScope)) {
      throw new UserFacingError(`the ${scope} memory scope is turned off in settings`);
    }
    // Hand edits since the last run become searchable here, without a reindex.
    context.service.syncIndex();
    const results = context.service.search(query, { ...(scopes ? { scopes } : {}), limit });
    if (options.json) {
      print(JSON.stringify(results, null, 2));
      return;
    }
    if (results.length === 0) {
      printSafe(`Nothing found for "${query}".`);
      return;
    }
    for (const [index, result] of results.entries()) {
      printSafe(`${index + 1}. ${resultHeading(result)}`);
      printSafe(`   ${oneLine(result.snippet, 160)}`);
      printSafe(`   why: ${result.reasons.join("; ")}`);
    }
  });
}

function resultHeading(result: SearchResult): string {
  if (result.kind === "transcript") {
    const speaker = result.title.split(" ")[0] ?? "message";
    return `session ${result.sessionId ?? "?"}  ${formatDate(result.updatedAt)}  (${speaker})`;
  }
  // Memory titles are "<name with spaces>: <description>"; the id carries the exact name.
  const name = /\/([^/]+)$/.exec(result.id)?.[1] ?? result.title;
  const description = result.title.includes(": ") ? result.title.slice(result.title.indexOf(": ") + 2) : "";
  return `${result.scope} memory ${name}  ${oneLine(description, 100)}`;
}
