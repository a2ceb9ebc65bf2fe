import { databasePath } from "../../config/paths.ts";
import { UserFacingError } from "../../core/errors.ts";
import { printStderrLine, writeSafeStdout } from "../../core/terminal-safe.ts";
import { type OpenMemory, openMemory } from "../../memory/memory-setup.ts";
import { isMemoryScope, MEMORY_SCOPES, type MemoryScope } from "../../memory/scopes.ts";
import { isDatabaseDamaged, setAsideDamaged } from "../../session/database.ts";
import { UsageError } from "../command-typos.ts";

/**
 * Everything a `tacit memory …` command works with, opened once per command
 * by the memory factory, the same way a run builds it. memory.enabled=false
 * does not stop these commands, since running one is an explicit request; the
 * caller prints a note instead.
 */
export type MemoryContext = OpenMemory;

/**
 * Runs one command against an open memory context and always closes the
 * database. Damage found in the database mid-command (past the checks at
 * open) sets it aside, so the next command starts fresh; the command itself is
 * not re-run, since it may have written a memory file already.
 */
export async function withMemoryContext<T>(action: (context: MemoryContext) => Promise<T> | T): Promise<T> {
  const context = openMemory();
  try {
    if (context.disabledInSettings) {
      process.stderr.write(
        "tacit: note: memory is turned off in settings (memory.enabled: false); this command still works on the files\n",
      );
    }
    return await action(context);
  } catch (error) {
    if (!isDatabaseDamaged(error)) throw error;
    context.close(); // before the file is moved
    const notice = setAsideDamaged(databasePath(context.home), error);
    throw new UserFacingError(`${notice}; run the command again to start a fresh one`);
  } finally {
    // Said before any error line: a repaired history, a broken memory file, a change saved but not committed.
    for (const line of context.service.takeWarnings()) printStderrLine(`warning: ${line}`);
    context.close();
  }
}

/** A --scope value checked against the three memory scopes (undefined when not given). */
export function parseScope(
  value: string | undefined,
  allowed: readonly string[] = MEMORY_SCOPES,
): MemoryScope | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value) || !isMemoryScope(value)) {
    throw new UsageError(`unknown memory scope "${value}" (use ${listWithOr(allowed)})`);
  }
  return value;
}

/**
 * Finds which scope holds a memory. Given --scope, it must be there; without
 * it, exactly one enabled scope may hold the name, else the user is asked to
 * choose.
 */
export function resolveMemoryScope(
  context: MemoryContext,
  name: string,
  scope: MemoryScope | undefined,
): MemoryScope {
  const store = context.service.store;
  if (scope) {
    if (!store.exists(scope, name)) throw new UserFacingError(`no ${scope} memory named "${name}"`);
    return scope;
  }
  const holders = store.enabledScopes.filter((each) => store.exists(each, name));
  if (holders.length === 0) throw new UserFacingError(`no memory named "${name}" (see tacit memory list)`);
  if (holders.length > 1) {
    throw new UserFacingError(
      `"${name}" exists in ${listWithAnd(holders)} memory; pass --scope ${holders.join("|")}`,
    );
  }
  return holders[0]!;
}

/** A whole number of at least 1 from an option, or the fallback when absent. */
export function parseCount(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`${option} must be a whole number of at least 1`);
  }
  return count;
}

export function formatDate(value: string | number): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().replace("T", " ").slice(0, 16);
}

export function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

export function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Prints human-readable memory output: names, descriptions, snippets and commit
 * subjects come from files anyone may have written (a hand edit, a synced or
 * cloned memory), so their control characters are shown escaped. JSON output
 * uses print: JSON.stringify escapes them already.
 */
export function printSafe(text = ""): void {
  writeSafeStdout(`${text}\n`);
}

function listWithOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function listWithAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
