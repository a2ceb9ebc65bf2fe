import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import {
  isRepository,
  MemoryHistoryError,
  namesWithin,
  REPOSITORY_FILE_TEXTS,
  runGit,
} from "../git-history.ts";
import { excludeFromHistory, isMemoryFilePath } from "../memory-file-paths.ts";
import type { Redact } from "../redact-hand-edits.ts";
import { prepareHistory } from "../repository-repair.ts";
import { withScopeLock } from "../scope-lock.ts";
import { acceptIncoming, skippedNotice } from "./incoming.ts";
import { mergeCommits } from "./merge-commits.ts";
import type { RemoteAccess } from "./remote-access.ts";
import { changesSince, EMPTY_TREE, indexLine, treeWith } from "./tree-plumbing.ts";

/** One versioned scope folder and the branch that holds it in the user's remote. */
export interface ScopeSyncTarget {
  scope: "user" | "local";
  folder: string;
  branch: string;
}

export interface ScopeSyncResult {
  scope: "user" | "local";
  branch: string;
  /** Files the remote brought in. */
  pulled: string[];
  /** The remote branch was moved to this side's history. */
  pushed: boolean;
  conflicts: string[];
  /** One line each for the user: files left out, history repaired. */
  notices: string[];
}

/** Where the last state of the remote branch is kept in the scope's repository. */
const REMOTE_REF = "refs/tacit-sync/remote";
/** A push refused because the remote moved meanwhile (another machine synced) is merged and tried again. */
const ATTEMPTS = 3;

/**
 * Brings one scope folder and its remote branch to the same history. The
 * network is used outside the scope lock (fetch before, push after), so a
 * session writing memory never waits on it; the merge and the checkout happen
 * under the lock, after hand edits are redacted and committed (prepareHistory),
 * so nothing the redactor would remove is ever pushed.
 */
export async function syncScope(
  target: ScopeSyncTarget,
  remote: RemoteAccess,
  remoteHead: string | undefined,
  options: { redact: Redact; localMachine: string },
): Promise<ScopeSyncResult> {
  const result: ScopeSyncResult = {
    scope: target.scope,
    branch: target.branch,
    pulled: [],
    pushed: false,
    conflicts: [],
    notices: [],
  };
  // Nothing here and nothing there: no empty repository is made.
  if (!remoteHead && !isRepository(target.folder) && !hasMemoryFiles(target.folder)) return result;
  let head = remoteHead;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const fresh = await startRepository(target, options.redact);
    if (head && !(await hasCommit(target.folder, head))) {
      try {
        await remote.git(target.folder, [
          "fetch",
          "--no-tags",
          "--quiet",
          remote.url,
          `+refs/heads/${target.branch}:${REMOTE_REF}`,
        ]);
      } catch (error) {
        // A repository made only to receive the remote's history goes again: the folder is as it was.
        if (fresh) rmSync(path.join(target.folder, ".git"), { recursive: true, force: true });
        throw error;
      }
    }
    const merged = await withScopeLock(target.folder, () => mergeInto(target, head, options));
    result.pulled.push(...merged.pulled);
    result.conflicts.push(...merged.conflicts);
    for (const line of merged.notices) if (!result.notices.includes(line)) result.notices.push(line);
    if (merged.commit === head) return result;
    try {
      await remote.git(target.folder, [
        "push",
        "--quiet",
        remote.url,
        `${merged.commit}:refs/heads/${target.branch}`,
      ]);
      await runGit(target.folder, ["update-ref", REMOTE_REF, merged.commit]);
      result.pushed = true;
      return result;
    } catch (error) {
      if (!(error instanceof MemoryHistoryError) || attempt === ATTEMPTS) throw error;
      // Refused: someone pushed since we looked. Look again, merge that too, and retry.
      head = (await remote.heads([target.branch])).get(target.branch);
    }
  }
  return result;
}

/**
 * The folder as a repository, so the remote's history can be fetched into it. True when it
 * was made just now, empty, for that history: its files then come as they are (mergeInto).
 * Memory files that were never committed are, through the usual redaction (prepareHistory).
 */
async function startRepository(target: ScopeSyncTarget, redact: Redact): Promise<boolean> {
  if (isRepository(target.folder)) return false;
  return withScopeLock(target.folder, async () => {
    if (!hasMemoryFiles(target.folder)) {
      mkdirSync(target.folder, { recursive: true });
      await runGit(target.folder, ["init", "-q"]);
      return true;
    }
    const history = await prepareHistory(target.folder, target.scope, redact);
    if (!history.ready) throw new MemoryHistoryError(history.notices.join("; "));
    return false;
  });
}

async function mergeInto(
  target: ScopeSyncTarget,
  remoteHead: string | undefined,
  options: { redact: Redact; localMachine: string },
): Promise<{ commit: string; pulled: string[]; conflicts: string[]; notices: string[] }> {
  const folder = target.folder;
  if (remoteHead && !(await currentHead(folder))) {
    // A repository just made for the remote's history: only its memory files are checked out.
    const taken = await takeRemote(folder, undefined, remoteHead, options.redact);
    await runGit(folder, ["read-tree", "-u", "-m", taken.commit]);
    await runGit(folder, ["update-ref", "HEAD", taken.commit]);
    const notices = skippedNotice(target.scope, taken.skipped);
    return { commit: taken.commit, pulled: taken.pulled, conflicts: [], notices };
  }
  // Hand edits are committed first, redacted: nothing the redactor would remove is pushed.
  const history = await prepareHistory(folder, target.scope, options.redact);
  if (!history.ready) throw new MemoryHistoryError(history.notices.join("; "));
  const notices = [...history.notices];
  const committed = await currentHead(folder);
  if (!committed) throw new MemoryHistoryError(`the ${target.scope} memory has no history to push`);
  const head = await untrackNonMemoryFiles(folder, committed, target.scope, notices);
  if (!remoteHead) return { commit: head, pulled: [], conflicts: [], notices };
  if (head === remoteHead || (await isAncestor(folder, remoteHead, head))) {
    return { commit: head, pulled: [], conflicts: [], notices };
  }
  if (await isAncestor(folder, head, remoteHead)) {
    const taken = await takeRemote(folder, head, remoteHead, options.redact);
    await checkout(folder, head, taken.commit);
    notices.push(...skippedNotice(target.scope, taken.skipped));
    return { commit: taken.commit, pulled: taken.pulled, conflicts: [], notices };
  }
  const merged = await mergeCommits(
    folder,
    { local: head, remote: remoteHead },
    { localMachine: options.localMachine, redact: options.redact, remoteLabel: target.branch },
  );
  await checkout(folder, head, merged.commit);
  notices.push(...skippedNotice(target.scope, merged.skipped));
  return { commit: merged.commit, pulled: merged.fromRemote, conflicts: merged.conflicts, notices };
}

/**
 * The remote's history as this machine takes it when it has nothing of its own
 * since (`head` an ancestor, or no history at all): only its memory files,
 * redacted (incoming.ts). The remote head itself when that changes nothing;
 * otherwise a commit on top of it, so the push that follows cleans the remote too.
 */
async function takeRemote(
  folder: string,
  head: string | undefined,
  remoteHead: string,
  redact: Redact,
): Promise<{ commit: string; pulled: string[]; skipped: number }> {
  const changes = await changesSince(folder, head ?? EMPTY_TREE, remoteHead);
  const { accepted, skipped } = await acceptIncoming(folder, changes, redact);
  const updates = [...accepted].map(([file, change]) => indexLine(change, file));
  // A new repository gets tacit's own .gitignore and .gitattributes, never the remote's.
  if (!head) {
    for (const [file, text] of Object.entries(REPOSITORY_FILE_TEXTS)) {
      const blob = (await runGit(folder, ["hash-object", "-w", "--stdin"], text)).trim();
      updates.push(indexLine({ mode: "100644", blob, deleted: false }, file));
    }
  }
  const tree = await treeWith(folder, head ?? EMPTY_TREE, updates);
  const pulled = [...accepted.keys()];
  const remoteTree = (await runGit(folder, ["rev-parse", `${remoteHead}^{tree}`])).trim();
  if (tree === remoteTree) return { commit: remoteHead, pulled, skipped };
  const message = `sync: take only the memory files of the remote (${skipped} other file(s) skipped)\n`;
  const commit = (await runGit(folder, ["commit-tree", tree, "-p", remoteHead, "-F", "-"], message)).trim();
  return { commit, pulled, skipped };
}

/**
 * Files that are not memory, committed by a tacit before it kept to memory files
 * (notes.txt, sub/.env): tracking stops, the files stay in the folder. Older
 * commits keep them; sync does not rewrite history (README, "Sync").
 */
async function untrackNonMemoryFiles(
  folder: string,
  head: string,
  scope: string,
  notices: string[],
): Promise<string> {
  const tracked = (await runGit(folder, ["ls-files", "-z"])).split("\0").filter(Boolean);
  const others = tracked.filter((file) => !isMemoryFilePath(file) && !(file in REPOSITORY_FILE_TEXTS));
  if (others.length === 0) return head;
  await runGit(
    folder,
    ["rm", "--cached", "-q", "--pathspec-from-file=-", "--pathspec-file-nul"],
    others.join("\0"),
  );
  excludeFromHistory(folder, others);
  await runGit(
    folder,
    ["commit", "--no-status", "-q", "-F", "-"],
    `stop tracking files that are not memory: ${namesWithin(others)}\n`,
  );
  notices.push(
    `the ${scope} memory history no longer tracks files that are not memory (${namesWithin(others)}); they stay in the folder, and in older commits of the history`,
  );
  return (await currentHead(folder)) ?? head;
}

/**
 * Moves the work tree and HEAD from one commit to the next. The files first,
 * then HEAD: cut short in between, the new files look like hand edits to the
 * next change, which commits them, so nothing is lost.
 */
async function checkout(folder: string, from: string, to: string): Promise<void> {
  await runGit(folder, ["read-tree", "-u", "-m", from, to]);
  await runGit(folder, ["update-ref", "-m", "tacit memory sync", "HEAD", to, from]);
}

async function currentHead(folder: string): Promise<string | undefined> {
  try {
    return (await runGit(folder, ["rev-parse", "--verify", "-q", "HEAD^{commit}"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function hasCommit(folder: string, commit: string): Promise<boolean> {
  try {
    await runGit(folder, ["cat-file", "-e", `${commit}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

async function isAncestor(folder: string, ancestor: string, descendant: string): Promise<boolean> {
  try {
    await runGit(folder, ["merge-base", "--is-ancestor", ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}

function hasMemoryFiles(folder: string): boolean {
  if (!existsSync(folder)) return false;
  try {
    return readdirSync(folder).some(isMemoryFilePath);
  } catch {
    return false;
  }
}
