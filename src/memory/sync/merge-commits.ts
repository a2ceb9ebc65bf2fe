import path from "node:path";
import { MemoryHistoryError, runGit } from "../git-history.ts";
import type { Redact } from "../redact-hand-edits.ts";
import { acceptIncoming } from "./incoming.ts";
import { mergeMemoryTexts } from "./merge-memory.ts";
import { changesSince, EMPTY_TREE, indexLine, treeWith } from "./tree-plumbing.ts";

export interface MergedCommits {
  commit: string;
  /** Files the remote side brought in (added, changed or removed). */
  fromRemote: string[];
  /** Memories both sides changed apart: both texts kept, marked `conflict`. */
  conflicts: string[];
  /** The remote's changes to files that are not memory, left out (incoming.ts). */
  skipped: number;
}

/**
 * Merges two histories of one scope file by file, with git plumbing only: the
 * remote's changes are filtered first (incoming.ts: only memory files, redacted), the
 * merged tree is built in a temporary index from the local tree, so the work
 * tree and the real index are never half-merged and no conflict markers are
 * ever written. A file changed on one side takes that side; the same change on
 * both is kept once; an edit beats a deletion (nothing written is lost); a
 * memory both sides changed apart is merged by merge-memory.ts (both texts kept
 * when the bodies differ). The result is a merge commit with both parents, so
 * `tacit memory log` and undo read it like any other change.
 */
export async function mergeCommits(
  folder: string,
  heads: { local: string; remote: string },
  options: { localMachine: string; redact: Redact; remoteLabel: string },
): Promise<MergedCommits> {
  const base = await mergeBase(folder, heads.local, heads.remote);
  const [localChanges, allRemoteChanges] = await Promise.all([
    changesSince(folder, base, heads.local),
    changesSince(folder, base, heads.remote),
  ]);
  const { accepted: remoteChanges, skipped } = await acceptIncoming(folder, allRemoteChanges, options.redact);
  const updates: string[] = [];
  const fromRemote: string[] = [];
  const conflicts: string[] = [];
  for (const [file, remote] of remoteChanges) {
    const local = localChanges.get(file);
    if (local && local.blob === remote.blob && local.mode === remote.mode) continue;
    if (local && remote.deleted) continue; // deleted there, edited here: the edit stays
    if (!local || local.deleted) {
      // Changed only there, or edited there and deleted here (the edit comes back).
      updates.push(indexLine(remote, file));
      fromRemote.push(file);
      continue;
    }
    const name = path.basename(file, ".md");
    const [baseText, localText, remoteText] = await Promise.all([
      base === EMPTY_TREE ? undefined : blobAt(folder, `${base}:${file}`),
      blobAt(folder, local.blob),
      blobAt(folder, remote.blob),
    ]);
    const merged = mergeMemoryTexts({
      name,
      ...(baseText === undefined ? {} : { base: baseText }),
      local: localText ?? "",
      remote: remoteText ?? "",
      localMachine: options.localMachine,
    });
    // Both sides were redacted when written; the merged file is again, so nothing pushed escapes it.
    const text = options.redact(merged.text).text;
    const blob = (await runGit(folder, ["hash-object", "-w", "--stdin"], text)).trim();
    updates.push(indexLine({ mode: "100644", blob, deleted: false }, file));
    fromRemote.push(file);
    if (merged.conflict) conflicts.push(name);
  }
  const tree = await treeWith(folder, heads.local, updates);
  const subject = `sync: merge ${options.remoteLabel}${conflicts.length ? ` (both versions kept: ${conflicts.join(", ")})` : ""}`;
  const commit = (
    await runGit(
      folder,
      ["commit-tree", tree, "-p", heads.local, "-p", heads.remote, "-F", "-"],
      `${subject}\n`,
    )
  ).trim();
  return { commit, fromRemote, conflicts, skipped };
}

/** The newest commit both histories hold; the empty tree when they share none. */
async function mergeBase(folder: string, local: string, remote: string): Promise<string> {
  try {
    return (await runGit(folder, ["merge-base", local, remote])).trim() || EMPTY_TREE;
  } catch (error) {
    if (error instanceof MemoryHistoryError) return EMPTY_TREE; // exit 1: unrelated histories
    throw error;
  }
}

async function blobAt(folder: string, object: string): Promise<string | undefined> {
  try {
    return await runGit(folder, ["cat-file", "blob", object]);
  } catch {
    return undefined; // not in the base: added since on both sides
  }
}
