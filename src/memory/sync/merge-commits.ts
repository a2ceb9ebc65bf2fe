import { rmSync } from "node:fs";
import path from "node:path";
import { MemoryHistoryError, runGit } from "../git-history.ts";
import type { Redact } from "../redact-hand-edits.ts";
import { mergeMemoryTexts } from "./merge-memory.ts";

/** git's empty tree: the base when two histories share no commit (two machines that started apart). */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const DELETED = "0000000000000000000000000000000000000000";

interface Change {
  mode: string;
  blob: string;
  deleted: boolean;
}

export interface MergedCommits {
  commit: string;
  /** Files the remote side brought in (added, changed or removed). */
  fromRemote: string[];
  /** Memories both sides changed apart: both texts kept, marked `conflict`. */
  conflicts: string[];
}

/**
 * Merges two histories of one scope file by file, with git plumbing only: the
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
  const [localChanges, remoteChanges] = await Promise.all([
    changesSince(folder, base, heads.local),
    changesSince(folder, base, heads.remote),
  ]);
  const updates: string[] = [];
  const fromRemote: string[] = [];
  const conflicts: string[] = [];
  for (const [file, remote] of remoteChanges) {
    const local = localChanges.get(file);
    if (local && local.blob === remote.blob && local.mode === remote.mode) continue;
    if (local && remote.deleted) continue; // deleted there, edited here: the edit stays
    if (!local || local.deleted || !file.endsWith(".md")) {
      // Changed only there, or edited there and deleted here (the edit comes back). Files
      // other than memories (.gitignore) changed on both keep this side's.
      if (local && !local.deleted) continue;
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
  return { commit, fromRemote, conflicts };
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

/** Every file added, changed or removed from `base` to `head`, renames as delete plus add. */
async function changesSince(folder: string, base: string, head: string): Promise<Map<string, Change>> {
  const output = await runGit(folder, [
    "diff-tree",
    "-r",
    "-z",
    "--no-renames",
    "--no-commit-id",
    base,
    head,
  ]);
  const changes = new Map<string, Change>();
  const records = output.split("\0");
  for (let index = 0; index + 1 < records.length; index += 2) {
    const [, , mode = "", , blob = "", status = ""] = (records[index] ?? "").split(/[: ]/);
    const file = records[index + 1] ?? "";
    changes.set(file, { mode, blob, deleted: status.startsWith("D") });
  }
  return changes;
}

async function blobAt(folder: string, object: string): Promise<string | undefined> {
  try {
    return await runGit(folder, ["cat-file", "blob", object]);
  } catch {
    return undefined; // not in the base: added since on both sides
  }
}

/** `git update-index --index-info` line: a deletion is mode 0 with the null object. */
function indexLine(change: Change, file: string): string {
  return change.deleted ? `0 ${DELETED}\t${file}` : `${change.mode} ${change.blob}\t${file}`;
}

/** The tree of `head` with `updates` applied, built in a temporary index the work tree never sees. */
async function treeWith(folder: string, head: string, updates: string[]): Promise<string> {
  const indexFile = path.join(folder, ".git", `tacit-sync-index-${process.pid}`);
  const env = { GIT_INDEX_FILE: indexFile };
  try {
    await runGit(folder, ["read-tree", head], undefined, { env });
    if (updates.length > 0) {
      await runGit(
        folder,
        ["update-index", "-z", "--index-info"],
        updates.map((line) => `${line}\0`).join(""),
        {
          env,
        },
      );
    }
    return (await runGit(folder, ["write-tree"], undefined, { env })).trim();
  } finally {
    rmSync(indexFile, { force: true });
  }
}
