import { UserFacingError } from "../../core/errors.ts";
import { MemoryHistoryError } from "../../memory/git-history.ts";
import type { MemoryScope } from "../../memory/scopes.ts";
import { formatDate, parseCount, parseScope, print, withMemoryContext } from "./memory-context.ts";

const VERSIONED_SCOPES = ["user", "project", "local"] as const;

const PROJECT_HISTORY_NOTE =
  "project memory is versioned by the repository's own git: run git log -p -- .tacit/memory";

/** The scope for log/diff/undo: user by default; project answers with a pointer to the repository's git. */
function historyScope(value: string | undefined): MemoryScope | undefined {
  const scope = parseScope(value, VERSIONED_SCOPES) ?? "user";
  if (scope === "project") {
    print(PROJECT_HISTORY_NOTE);
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
      print(`No ${scope} memory history yet.`);
      return;
    }
    for (const entry of entries) {
      const message = entry.message.split("\n")[0] ?? "";
      print(`${entry.hash.slice(0, 7)}  ${formatDate(entry.date)}  ${message}`);
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

export async function undoMemoryCommand(options: { scope?: string }): Promise<void> {
  const scope = historyScope(options.scope);
  if (!scope) return;
  await withMemoryContext(async (context) => {
    const entry = await userFacing(() => context.service.store.undo(scope));
    context.service.syncIndex();
    const subject = entry.message.split("\n")[0] ?? "";
    const undone = /^Revert "(.*)"$/.exec(subject)?.[1] ?? subject;
    const files = entry.files.map((file) => file.replace(/\.md$/, "")).join(", ");
    print(
      `Undid ${scope} change "${undone}"${files ? ` (${files})` : ""} as commit ${entry.hash.slice(0, 7)}.`,
    );
    print(`Run tacit memory undo --scope ${scope} again to undo the undo.`);
  });
}
