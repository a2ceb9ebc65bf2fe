import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import {
  commitHandEdits,
  ensureRepository,
  MemoryHistoryError,
  namesWithin,
  runGit,
  uncommittedPaths,
} from "./git-history.ts";
import { excludeFromHistory, MAX_MEMORY_FILE_BYTES } from "./memory-file-paths.ts";
import { type Redact, redactAllMemoryFiles, redactFilesInPlace } from "./redact-hand-edits.ts";

export interface HistoryReadiness {
  /** The repository can take a commit now. */
  ready: boolean;
  /** One line each for the user: a repair made, or why history is unavailable this time. */
  notices: string[];
}

/**
 * Gets a versioned scope's git repository ready for a change, under the scope
 * lock: stale git locks cleared, a broken repository repaired or re-created,
 * hand edits committed. Never throws: history is a record of the memory files,
 * not a gate on them, so when git cannot be made to work the write still lands
 * and the caller says it will be committed next time.
 */
export async function prepareHistory(
  folder: string,
  scopeLabel: string,
  redact: Redact,
): Promise<HistoryReadiness> {
  removeStaleGitLocks(folder);
  const notices: string[] = [];
  try {
    if (await interruptedFirstWrite(folder)) notices.push(await repairRepository(folder, scopeLabel, redact));
    await ensureRepository(folder, scopeLabel);
    notices.push(...(await recordHandEdits(folder, scopeLabel, redact)));
    return { ready: true, notices };
  } catch (error) {
    const repairable = error instanceof MemoryHistoryError && error.notARepository && notices.length === 0;
    if (!repairable) return { ready: false, notices: [...notices, unavailable(scopeLabel, error)] };
  }
  try {
    notices.push(await repairRepository(folder, scopeLabel, redact));
    notices.push(...(await recordHandEdits(folder, scopeLabel, redact)));
    return { ready: true, notices };
  } catch (error) {
    return { ready: false, notices: [...notices, unavailable(scopeLabel, error)] };
  }
}

/**
 * Hand edits are committed before tacit's next change, and a secret in a
 * commit outlives its deletion from the file: the changed files are redacted
 * in place first, as every write through tacit is.
 */
async function recordHandEdits(folder: string, scopeLabel: string, redact: Redact): Promise<string[]> {
  const changed = await uncommittedPaths(folder);
  redactFilesInPlace(folder, changed, redact);
  const { leftOut } = await commitHandEdits(folder, changed);
  if (leftOut.length === 0) return [];
  excludeFromHistory(folder, leftOut);
  return [
    `left out of the ${scopeLabel} memory history and sync (only <name>.md files directly in ${folder}, up to ${MAX_MEMORY_FILE_BYTES / 1024} KB, are memory): ${namesWithin(leftOut)}`,
  ];
}

/**
 * A `.git` without the `.gitignore` tacit writes right after `git init`, that
 * git does not recognise: the first write was killed while creating it. (git
 * init would quietly fill it in; repairing it says so.) The git call happens
 * only in this rare state, not on every write.
 */
async function interruptedFirstWrite(folder: string): Promise<boolean> {
  if (!existsSync(path.join(folder, ".git")) || existsSync(path.join(folder, ".gitignore"))) return false;
  try {
    await runGit(folder, ["rev-parse", "--git-dir"]);
    return false;
  } catch (error) {
    return error instanceof MemoryHistoryError && error.notARepository;
  }
}

function unavailable(scopeLabel: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  return `the ${scopeLabel} memory history could not record this change (${detail}); the file is saved and will be committed with the next change`;
}

/** Lock files git leaves when killed mid-command; each blocks every later command of its kind. */
const GIT_LOCK_FILES = ["index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "ORIG_HEAD.lock"];

/**
 * Removes git lock files in a memory repository. Called only while holding the
 * scope lock: tacit is the only program that writes a memory repository, and it
 * runs git there only under that lock, so a lock file found now was left by a
 * tacit process that died (the scope lock already broke its claim) and nothing
 * live holds it. Returns the removed files, relative to `.git`.
 */
function removeStaleGitLocks(folder: string): string[] {
  const gitFolder = path.join(folder, ".git");
  const candidates = [...GIT_LOCK_FILES];
  try {
    for (const entry of readdirSync(path.join(gitFolder, "refs", "heads"))) {
      if (entry.endsWith(".lock")) candidates.push(path.join("refs", "heads", entry));
    }
  } catch {
    // No refs folder (a new or broken repository): only the top-level locks apply.
  }
  const removed: string[] = [];
  for (const candidate of candidates) {
    try {
      unlinkSync(path.join(gitFolder, candidate));
      removed.push(candidate);
    } catch {
      // Not there: the common case.
    }
  }
  return removed;
}

/**
 * Repairs a `.git` that git no longer recognises — left by a kill during the
 * scope's first write (a `.git` holding only `description`), emptied, with a
 * garbage HEAD, or a `.git` file pointing nowhere. A garbage HEAD in an
 * otherwise whole repository is pointed back at its branch; anything else is
 * replaced by a new repository whose first commit holds every memory file, the
 * old `.git` kept beside the folder when it held any history. Returns the one
 * line to tell the user.
 */
async function repairRepository(folder: string, scopeLabel: string, redact: Redact): Promise<string> {
  const gitPath = path.join(folder, ".git");
  if (await restoreHead(folder)) {
    return `the ${scopeLabel} memory history had a damaged HEAD (${path.join(gitPath, "HEAD")}); repaired it`;
  }
  let keptAt: string | undefined;
  if (holdsHistory(gitPath)) {
    keptAt = `${folder}.broken-git-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(gitPath, keptAt);
  } else {
    rmSync(gitPath, { recursive: true, force: true });
  }
  // The new first commit takes every file as it is: secrets in them go before it does.
  redactAllMemoryFiles(folder, redact);
  await ensureRepository(folder, scopeLabel, { includeExisting: true });
  const kept = keptAt ? `; the old one is in ${keptAt}` : "";
  return `the ${scopeLabel} memory history (${gitPath}) was broken; started a new one holding every memory file${kept}`;
}

/** Points a garbage HEAD back at the repository's branch; true when git recognises the repository after. */
async function restoreHead(folder: string): Promise<boolean> {
  const gitPath = path.join(folder, ".git");
  let branches: string[];
  try {
    if (!lstatSync(gitPath).isDirectory()) return false;
    const head = readFileSync(path.join(gitPath, "HEAD"), "utf8");
    if (/^ref: refs\/heads\/\S+\n?$|^[0-9a-f]{40}\n?$/.test(head)) return false;
    branches = readdirSync(path.join(gitPath, "refs", "heads")).filter((name) => !name.endsWith(".lock"));
  } catch {
    return false;
  }
  const branch = branches.includes("main") ? "main" : branches.length === 1 ? branches[0] : undefined;
  if (!branch) return false;
  writeFileSync(path.join(gitPath, "HEAD"), `ref: refs/heads/${branch}\n`);
  try {
    await runGit(folder, ["rev-parse", "--verify", "-q", "HEAD"]);
    return true;
  } catch {
    return false;
  }
}

/** Whether a broken `.git` is worth keeping: a `.git` file, or a folder with any git object in it. */
function holdsHistory(gitPath: string): boolean {
  try {
    if (!lstatSync(gitPath).isDirectory()) return true;
    // The reflog names every change made, even when the objects themselves are gone.
    if (existsSync(path.join(gitPath, "logs", "HEAD"))) return true;
    const objects = path.join(gitPath, "objects");
    if (!existsSync(objects)) return false;
    return readdirSync(objects).some((entry) => {
      if (entry === "info") return false;
      return readdirSync(path.join(objects, entry)).length > 0;
    });
  } catch {
    return true; // unreadable: keep it rather than guess
  }
}
