import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { LOCK_FILE_NAME } from "./scope-lock.ts";

const execFileAsync = promisify(execFile);

export interface HistoryEntry {
  hash: string;
  /** ISO author date. */
  date: string;
  message: string;
  /** Files the commit touched, relative to the scope folder. */
  files: string[];
}

export class MemoryHistoryError extends Error {
  override name = "MemoryHistoryError";
  /** git commit found nothing staged. */
  readonly nothingToCommit: boolean;
  // A plain field, not a parameter property: Node's type stripping cannot run parameter properties.
  constructor(message: string, nothingToCommit = false) {
    super(message);
    this.nothingToCommit = nothingToCommit;
  }
}

/**
 * Settings passed on every call so no global git identity or configuration is
 * needed, and none of the user's (signing, hooks, pagers) gets in the way.
 */
const GIT_SETTINGS = [
  "-c",
  "user.name=tacit",
  "-c",
  "user.email=tacit@localhost",
  "-c",
  "commit.gpgsign=false",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "init.defaultBranch=main",
  "-c",
  "core.autocrlf=false",
  "-c",
  "core.quotepath=false",
];

/** Runs git in a scope folder; the environment is stripped of GIT_* so a parent repository's hook context cannot leak in. */
export async function runGit(folder: string, args: string[]): Promise<string> {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("GIT_")) environment[key] = value;
  }
  environment.GIT_TERMINAL_PROMPT = "0";
  // English messages: "nothing to commit" is read below.
  environment.LC_ALL = "C";
  environment.GIT_CEILING_DIRECTORIES = path.dirname(folder);
  try {
    const { stdout } = await execFileAsync("git", [...GIT_SETTINGS, ...args], {
      cwd: folder,
      env: environment,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    const detail = (failure.stderr || failure.stdout || failure.message).trim().split("\n")[0];
    const nothingToCommit = /nothing to commit|no changes added to commit/.test(
      `${failure.stdout}${failure.stderr}`,
    );
    throw new MemoryHistoryError(`git ${args[0]} failed in ${folder}: ${detail}`, nothingToCommit);
  }
}

export function isRepository(folder: string): boolean {
  return existsSync(path.join(folder, ".git"));
}

/**
 * Makes the scope folder a git repository of its own on first write. Checks
 * for `.git` in the folder itself, never upwards: a home folder kept in a
 * dotfiles repository must not swallow tacit's memory commits.
 */
export async function ensureRepository(folder: string, scopeLabel: string): Promise<void> {
  if (isRepository(folder)) return;
  mkdirSync(folder, { recursive: true });
  await runGit(folder, ["init", "-q"]);
  writeFileSync(
    path.join(folder, ".gitignore"),
    `# tacit: lock and temp files of in-flight writes\n${LOCK_FILE_NAME}\n${LOCK_FILE_NAME}.*\n.*.tmp\n`,
  );
  writeFileSync(path.join(folder, ".gitattributes"), "*.md text eol=lf\n");
  await runGit(folder, ["add", "--", ".gitignore", ".gitattributes"]);
  await runGit(folder, ["commit", "-q", "-m", `initialise ${scopeLabel} memory`]);
}

/** Paths with uncommitted changes (hand edits made outside tacit), relative to the folder. */
export async function uncommittedPaths(folder: string): Promise<string[]> {
  const output = await runGit(folder, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."]);
  const paths: string[] = [];
  const records = output.split("\0");
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index];
    if (!record) continue;
    const status = record.slice(0, 2);
    paths.push(record.slice(3));
    // Renames carry the old path as the next record.
    if (status.startsWith("R") || status.startsWith("C")) index += 1;
  }
  return paths;
}

/**
 * Stages exactly `files` (additions, edits and deletions alike) and commits
 * them with `message`. Returns the new commit's abbreviated hash, or
 * undefined when the files did not change (writing the same memory twice
 * makes no empty commit).
 */
export async function commitFiles(
  folder: string,
  files: string[],
  message: string,
): Promise<string | undefined> {
  if (files.length === 0) return undefined;
  await runGit(folder, ["add", "-A", "--", ...files]);
  // One process fewer per write than asking `git diff --cached` first: commit, and read "nothing to commit" as no change.
  let output: string;
  try {
    output = await runGit(folder, ["commit", "--no-status", "-m", message]);
  } catch (error) {
    if (error instanceof MemoryHistoryError && error.nothingToCommit) return undefined;
    throw error;
  }
  return /^\[[^\]]*?([0-9a-f]{7,40})\]/m.exec(output)?.[1];
}

/** Commits whatever changed outside tacit, so a later undo reverts only tacit's own change. */
export async function commitHandEdits(folder: string): Promise<string | undefined> {
  const paths = (await uncommittedPaths(folder)).filter((file) => !file.startsWith(LOCK_FILE_NAME));
  if (paths.length === 0) return undefined;
  const names = paths.map((file) => file.replace(/\.md$/, ""));
  return commitFiles(folder, paths, `record hand edits: ${names.join(", ")}`);
}

const RECORD = "\x1e";
const FIELD = "\x1f";

/** The newest `limit` changes first. Empty for a folder that is not (yet) a repository. */
export async function historyLog(folder: string, limit = 20): Promise<HistoryEntry[]> {
  if (!isRepository(folder) || !(await hasCommits(folder))) return [];
  const output = await runGit(folder, [
    "log",
    `--max-count=${Math.max(1, Math.floor(limit))}`,
    `--format=${RECORD}%H${FIELD}%aI${FIELD}%B${FIELD}`,
    "--name-only",
    "--no-renames",
  ]);
  return output
    .split(RECORD)
    .filter((record) => record.trim())
    .map((record) => {
      const [hash = "", date = "", message = "", fileText = ""] = record.split(FIELD);
      return {
        hash,
        date,
        message: message.trim(),
        files: fileText.split("\n").filter((line) => line.trim()),
      };
    });
}

/** The patch of one change (the last one by default), as `git show` prints it. */
export async function historyDiff(folder: string, ref = "HEAD"): Promise<string> {
  if (!isRepository(folder) || !(await hasCommits(folder))) {
    throw new MemoryHistoryError("no memory history yet");
  }
  if (ref.startsWith("-")) throw new MemoryHistoryError(`not a revision: ${ref}`);
  return runGit(folder, [
    "show",
    "--no-color",
    "--no-ext-diff",
    "--format=commit %H%nDate: %aI%n%n%B",
    ref,
    "--",
  ]);
}

/**
 * Reverts the last change as a new commit, so an undo can itself be undone.
 * Hand edits are committed first so the revert cannot collide with them.
 */
export async function historyUndo(folder: string): Promise<HistoryEntry> {
  if (!isRepository(folder) || !(await hasCommits(folder))) {
    throw new MemoryHistoryError("nothing to undo: no memory history yet");
  }
  await commitHandEdits(folder);
  const count = Number((await runGit(folder, ["rev-list", "--count", "HEAD"])).trim());
  if (count <= 1) throw new MemoryHistoryError("nothing to undo");
  await runGit(folder, ["revert", "--no-edit", "HEAD"]);
  const [entry] = await historyLog(folder, 1);
  if (!entry) throw new MemoryHistoryError("undo made no commit");
  return entry;
}

async function hasCommits(folder: string): Promise<boolean> {
  try {
    await runGit(folder, ["rev-parse", "--verify", "-q", "HEAD"]);
    return true;
  } catch {
    return false;
  }
}
