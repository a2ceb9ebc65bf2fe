import { rmSync } from "node:fs";
import path from "node:path";
import { runGit } from "../git-history.ts";

/** git's empty tree: the base when two histories share no commit (two machines that started apart). */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const DELETED = "0000000000000000000000000000000000000000";

/** One file's side of a change between two trees. */
export interface Change {
  mode: string;
  blob: string;
  deleted: boolean;
}

/** Every file added, changed or removed from `base` to `head`, renames as delete plus add. */
export async function changesSince(folder: string, base: string, head: string): Promise<Map<string, Change>> {
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

/** `git update-index --index-info` line: a deletion is mode 0 with the null object. */
export function indexLine(change: Change, file: string): string {
  return change.deleted ? `0 ${DELETED}\t${file}` : `${change.mode} ${change.blob}\t${file}`;
}

/** The tree of `head` with `updates` applied, built in a temporary index the work tree never sees. */
export async function treeWith(folder: string, head: string, updates: string[]): Promise<string> {
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
