import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { isRepository, MemoryHistoryError, runGit } from "../git-history.ts";
import type { Redact } from "../redact-hand-edits.ts";
import { prepareHistory } from "../repository-repair.ts";
import { withScopeLock } from "../scope-lock.ts";
import { mergeCommits } from "./merge-commits.ts";
import type { RemoteAccess } from "./remote-access.ts";

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
): Promise<{ commit: string; pulled: string[]; conflicts: string[] }> {
  const folder = target.folder;
  if (remoteHead && !(await currentHead(folder))) {
    // A repository just made for the remote's history: its files are checked out as they are.
    await runGit(folder, ["read-tree", "-u", "-m", remoteHead]);
    await runGit(folder, ["update-ref", "HEAD", remoteHead]);
    return { commit: remoteHead, pulled: await filesOf(folder, remoteHead), conflicts: [] };
  }
  // Hand edits are committed first, redacted: nothing the redactor would remove is pushed.
  const history = await prepareHistory(folder, target.scope, options.redact);
  if (!history.ready) throw new MemoryHistoryError(history.notices.join("; "));
  const head = await currentHead(folder);
  if (!head) throw new MemoryHistoryError(`the ${target.scope} memory has no history to push`);
  if (!remoteHead) return { commit: head, pulled: [], conflicts: [] };
  if (head === remoteHead || (await isAncestor(folder, remoteHead, head))) {
    return { commit: head, pulled: [], conflicts: [] };
  }
  if (await isAncestor(folder, head, remoteHead)) {
    const pulled = await changedFiles(folder, head, remoteHead);
    await checkout(folder, head, remoteHead);
    return { commit: remoteHead, pulled, conflicts: [] };
  }
  const merged = await mergeCommits(
    folder,
    { local: head, remote: remoteHead },
    { localMachine: options.localMachine, redact: options.redact, remoteLabel: target.branch },
  );
  await checkout(folder, head, merged.commit);
  return { commit: merged.commit, pulled: merged.fromRemote, conflicts: merged.conflicts };
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

async function changedFiles(folder: string, from: string, to: string): Promise<string[]> {
  const output = await runGit(folder, ["diff-tree", "-r", "-z", "--name-only", "--no-renames", from, to]);
  return output.split("\0").filter(Boolean);
}

async function filesOf(folder: string, commit: string): Promise<string[]> {
  const output = await runGit(folder, ["ls-tree", "-r", "-z", "--name-only", commit]);
  return output.split("\0").filter((file) => file.endsWith(".md"));
}

function hasMemoryFiles(folder: string): boolean {
  if (!existsSync(folder)) return false;
  try {
    return readdirSync(folder).some((name) => name.endsWith(".md") && !name.startsWith("."));
  } catch {
    return false;
  }
}
