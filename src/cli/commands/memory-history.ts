import { UserFacingError } from "../../core/errors.ts";
import { MemoryHistoryError } from "../../memory/git-history.ts";
import type { MemoryScope } from "../../memory/scopes.ts";
import { formatDate, parseCount, parseScope, printSafe, withMemoryContext } from "./memory-context.ts";

const VERSIONED_SCOPES = ["user", "project", "local"] as const;

const PROJECT_HISTORY_NOTE =
  "project memory is versioned by the repository's own git: run git log -p -- .tacit/memory";

/** The scope for log/diff/undo: user by default; project answers with a pointer to the repository's git. */
function historyScope(value: string | undefined): MemoryScope | undefined {
  const scope = parseScope(value, VERSIONED_SCOPES) ?? "user";
  if (scope === "project") {
    printSafe(PROJECT_HISTORY_NOTE);
    return undefined;
  }
  return scope;
}

/** git failures carry a plain Error; the user gets the same one line, as a user-facing error. */
async function userFacing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MemoryHistoryError) throw new UserFacingError(error.message);
    throw error;
  }
}

export async function logMemoryCommand(options: { scope?: string; limit?: string }): Promise<void> {
  const scope = historyScope(options.scope);
  if (!scope) return;
  const limit = parseCount(options.limit, "-n", 20);
  await withMemoryContext(async (context) => {
    const entries = await userFacing(() => context.service.store.log(scope, limit));
    if (entries.length === 0) {
      printSafe(`No ${scope} memory history yet.`);
      return;
    }
    for (const entry of entries) {
      const message = entry.message.split("\n")[0] ?? "";
      printSafe(
        `${entry.hash.slice(0, 7)}  ${formatDate(entry.date)}  ${message}${entry.undone ? "  (undone)" : ""}`,
      );
    }
  });
}

export async function diffMemoryCommand(ref: string | undefined, options: { scope?: string }): Promise<void> {
  const scope = historyScope(options.scope);
  if (!scope) return;
  await withMemoryContext(async (context) => {
    const patch = await userFacing(() => context.service.store.diff(scope, ref));
    process.stdout.write(patch.endsWith("\n") ? patch : `${patch}\n`);
  });
}

/**
 * `tacit memory undo [n]`: steps back n changes (default 1). A second undo
 * steps further back, it does not redo; the log keeps every step, marked.
 */
export async function undoMemoryCommand(
  steps: string | undefined,
  options: { scope?: string },
): Promise<void> {
  const scope = historyScope(options.scope);
  if (!scope) return;
  const count = parseCount(steps, "the number of changes to undo", 1);
  await withMemoryContext(async (context) => {
    const undone = await userFacing(() => context.service.store.undo(scope, count));
    context.service.syncIndex();
    for (const step of undone) {
      const subject = step.undone.message.split("\n")[0] ?? "";
      const files = step.undone.files.map((file) => file.replace(/\.md$/, "")).join(", ");
      printSafe(
        `Undid ${scope} change ${step.undone.hash.slice(0, 7)} "${subject}"${files ? ` (${files})` : ""} as commit ${step.commit.hash.slice(0, 7)}.`,
      );
    }
    if (undone.length < count)
      printSafe(`Only ${undone.length} of ${count} changes could be undone: that is all the history.`);
    printSafe(
      `tacit memory log --scope ${scope} shows what was undone; tacit memory undo again steps further back.`,
    );
  });
}
