import {
  commitHandEdits,
  type HistoryEntry,
  hasCommits,
  historyLog,
  isRepository,
  MemoryHistoryError,
  runGit,
  UNDOES_TRAILER,
  undoneHashes,
} from "./git-history.ts";

export interface UndoStep {
  /** The change that was undone. */
  undone: HistoryEntry;
  /** The new commit that reverted it. */
  commit: HistoryEntry;
}

const RECORD = "\x1e";
const FIELD = "\x1f";

/**
 * Steps back through a scope's history `steps` changes, each as a new commit
 * that reverts one change, newest first. Undo commits are never themselves
 * undone: a second `undo` walks further back (like an editor's undo), instead
 * of reverting the first undo. The history keeps everything, so `tacit memory
 * log` shows what was undone and git can still bring it back. Hand edits are
 * committed first, so they are a change like any other.
 */
export async function historyUndo(folder: string, steps = 1): Promise<UndoStep[]> {
  if (!isRepository(folder) || !(await hasCommits(folder))) {
    throw new MemoryHistoryError("nothing to undo: no memory history yet");
  }
  await commitHandEdits(folder);
  const done: UndoStep[] = [];
  for (let step = 0; step < steps; step++) {
    const target = await nextChangeToUndo(folder);
    if (!target) break;
    const subject = target.message.split("\n")[0] ?? "";
    try {
      // A sync's merge commit is undone against this machine's side: what the remote brought in goes.
      const mainline = target.merge ? ["-m", "1"] : [];
      await runGit(folder, ["revert", "--no-commit", ...mainline, target.hash]);
      await runGit(
        folder,
        ["commit", "--no-status", "-F", "-"],
        `undo: ${subject}\n\n${UNDOES_TRAILER}: ${target.hash}\n`,
      );
    } catch (error) {
      // Leave the folder as it was before this step, not half reverted.
      await runGit(folder, ["revert", "--abort"]).catch(() => undefined);
      throw error;
    }
    const [commit] = await historyLog(folder, 1);
    if (!commit) throw new MemoryHistoryError("undo made no commit");
    const { merge: _merge, ...undone } = target;
    done.push({ undone, commit });
  }
  if (done.length === 0) throw new MemoryHistoryError("nothing to undo: every change is already undone");
  return done;
}

/**
 * The newest change that is neither an undo nor already undone. Since every
 * commit after it is an undo or undone, the files are as that change left
 * them, so reverting it applies cleanly. The first commit (the repository's
 * initialisation) is never undone.
 */
async function nextChangeToUndo(folder: string): Promise<(HistoryEntry & { merge: boolean }) | undefined> {
  // This machine's line of changes: a sync's merge is one change on it, the other machine's commits are not.
  const output = await runGit(folder, [
    "log",
    "--first-parent",
    `--format=${RECORD}%H${FIELD}%P${FIELD}%aI${FIELD}%B${FIELD}`,
    "--name-only",
    "--no-renames",
  ]);
  const undone = new Set<string>();
  for (const record of output.split(RECORD)) {
    if (!record.trim()) continue;
    const [hash = "", parents = "", date = "", message = "", fileText = ""] = record.split(FIELD);
    const hashes = undoneHashes(message);
    if (hashes.length > 0) {
      for (const each of hashes) undone.add(each);
      continue;
    }
    if (undone.has(hash)) continue;
    if (!parents.trim()) return undefined;
    return {
      hash,
      merge: parents.trim().includes(" "),
      date,
      message: message.trim(),
      files: fileText.split("\n").filter((line) => line.trim()),
    };
  }
  return undefined;
}
