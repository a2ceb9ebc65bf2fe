import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { isRecordableMemoryFile } from "./memory-file-paths.ts";
import { LOCK_FILE_NAME } from "./scope-lock.ts";

// Made at the first git command, not when the module loads: node:child_process is loaded then
// (scripts/builtins-plugin.mjs), and a start runs no git.
let execFileAsync: ReturnType<typeof promisifiedExecFile> | undefined;
const promisifiedExecFile = () => promisify(execFile);

export interface HistoryEntry {
  hash: string;
  /** A later `tacit memory undo` reverted this change. */
  undone?: boolean;
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
  /** git did not recognise the folder as a repository: its `.git` is broken (see repository-repair.ts). */
  readonly notARepository: boolean;
  // Plain fields, not parameter properties: Node's type stripping cannot run parameter properties.
  constructor(message: string, flags: { nothingToCommit?: boolean; notARepository?: boolean } = {}) {
    super(message);
    this.nothingToCommit = flags.nothingToCommit ?? false;
    this.notARepository = flags.notARepository ?? false;
  }
}

/** Longest commit subject tacit writes; a subject naming thousands of files would be useless anyway. */
const MAX_SUBJECT_LENGTH = 300;
/** Characters of names a "record hand edits" subject lists before saying how many more there are. */
const NAMES_BUDGET = 200;

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
  // A memory folder inside a repository could hold a .git/config naming an fsmonitor program.
  "-c",
  "core.fsmonitor=false",
  "-c",
  "init.defaultBranch=main",
  "-c",
  "core.autocrlf=false",
  "-c",
  "core.quotepath=false",
  // File names are names, never globs: a memory called `*.md` must not stage every file.
  "--literal-pathspecs",
];

/**
 * Runs git in a scope folder; the environment is stripped of GIT_* so a parent
 * repository's hook context cannot leak in. `input` goes to git's standard
 * input: lists of files and commit messages travel there, never in argv, so
 * thousands of files cannot hit the kernel's argument limit (E2BIG).
 */
export async function runGit(
  folder: string,
  args: string[],
  input?: string,
  /** For sync: variables set after the stripping (its temporary index, no prompts), and a bound on the wait. */
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string> {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("GIT_")) environment[key] = value;
  }
  Object.assign(environment, options.env);
  environment.GIT_TERMINAL_PROMPT = "0";
  // English messages: "nothing to commit" is read below.
  environment.LC_ALL = "C";
  environment.GIT_CEILING_DIRECTORIES = path.dirname(folder);
  try {
    execFileAsync ??= promisifiedExecFile();
    const running = execFileAsync("git", [...GIT_SETTINGS, ...args], {
      cwd: folder,
      env: environment,
      maxBuffer: 64 * 1024 * 1024,
      ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: "SIGKILL" as const } : {}),
    });
    // git may exit before reading all of its input (a failure): that EPIPE is not the error to report.
    running.child.stdin?.on("error", () => undefined);
    running.child.stdin?.end(input ?? "");
    const { stdout } = await running;
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    const detail = (failure.stderr || failure.stdout || failure.message).trim().split("\n")[0];
    const output = `${failure.stdout}${failure.stderr}`;
    throw new MemoryHistoryError(`git ${args[0]} failed in ${folder}: ${detail}`, {
      nothingToCommit: /nothing to commit|no changes added to commit/.test(output),
      notARepository: /not a git repository/i.test(output),
    });
  }
}

export function isRepository(folder: string): boolean {
  return existsSync(path.join(folder, ".git"));
}

/** The files tacit keeps in every scope repository, as `git init` time writes them. */
export const REPOSITORY_FILE_TEXTS: Readonly<Record<string, string>> = {
  ".gitignore": `# tacit: lock and temp files of in-flight writes\n${LOCK_FILE_NAME}\n${LOCK_FILE_NAME}.*\n.*.tmp\n`,
  ".gitattributes": "*.md text eol=lf\n",
};

/**
 * Makes the scope folder a git repository of its own on first write. Checks
 * for `.git` in the folder itself, never upwards: a home folder kept in a
 * dotfiles repository must not swallow tacit's memory commits. With
 * `includeExisting` (a repository re-created after damage) the first commit
 * also holds the memory files already there, so no undo can walk past them.
 */
export async function ensureRepository(
  folder: string,
  scopeLabel: string,
  options: { includeExisting?: boolean } = {},
): Promise<void> {
  // The .gitignore is written right after `git init`: without it, the initialisation was cut short (a
  // kill), and running it again is safe (git init re-initialises in place).
  if (isRepository(folder) && existsSync(path.join(folder, ".gitignore"))) return;
  mkdirSync(folder, { recursive: true });
  await runGit(folder, ["init", "-q"]);
  for (const [file, text] of Object.entries(REPOSITORY_FILE_TEXTS))
    writeFileSync(path.join(folder, file), text);
  // Only memory files join the first commit: anything else in the folder (notes.txt, sub/.env) stays out.
  const existing = options.includeExisting
    ? readdirSync(folder).filter((file) => isRecordableMemoryFile(folder, file))
    : [];
  await runGit(
    folder,
    ["add", "--pathspec-from-file=-", "--pathspec-file-nul"],
    [...Object.keys(REPOSITORY_FILE_TEXTS), ...existing].join("\0"),
  );
  const kept = options.includeExisting ? ", keeping the memory files already here" : "";
  await runGit(folder, ["commit", "-q", "-F", "-"], `initialise ${scopeLabel} memory${kept}\n`);
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
  await runGit(folder, ["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], files.join("\0"));
  // One process fewer per write than asking `git diff --cached` first: commit, and read "nothing to commit" as no change.
  let output: string;
  try {
    output = await runGit(folder, ["commit", "--no-status", "-F", "-"], boundMessage(message));
  } catch (error) {
    if (error instanceof MemoryHistoryError && error.nothingToCommit) return undefined;
    throw error;
  }
  return /^\[[^\]]*?([0-9a-f]{7,40})\]/m.exec(output)?.[1];
}

/**
 * Commits whatever changed outside tacit, so a later undo reverts only tacit's own change.
 * Only memory files (memory-file-paths.ts): anything else changed in the folder is left
 * out, unstaged, and named in `leftOut` so the caller can say so once.
 */
export async function commitHandEdits(
  folder: string,
  changed?: string[],
): Promise<{ commit: string | undefined; leftOut: string[] }> {
  // The caller may pass what uncommittedPaths already found, so a write asks git status once.
  const paths = (changed ?? (await uncommittedPaths(folder))).filter(
    (file) => !file.startsWith(LOCK_FILE_NAME),
  );
  const memoryFiles = paths.filter((file) => isRecordableMemoryFile(folder, file));
  const recorded = new Set(memoryFiles);
  const leftOut = paths.filter((file) => !recorded.has(file));
  if (memoryFiles.length === 0) return { commit: undefined, leftOut };
  const commit = await commitFiles(
    folder,
    memoryFiles,
    `record hand edits: ${namesWithin(memoryFiles.map((file) => file.replace(/\.md$/, "")))}`,
  );
  return { commit, leftOut };
}

/** As many names as fit a readable subject, then how many more there are. */
export function namesWithin(names: string[]): string {
  const listed: string[] = [];
  let length = 0;
  for (const name of names) {
    if (listed.length > 0 && length + name.length > NAMES_BUDGET) break;
    listed.push(name);
    length += name.length + 2;
  }
  const more = names.length - listed.length;
  return `${listed.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/** The first line cut to a readable subject; a longer message keeps its body (it goes through stdin). */
function boundMessage(message: string): string {
  const [subject = "", ...rest] = message.split("\n");
  const short =
    subject.length > MAX_SUBJECT_LENGTH ? `${subject.slice(0, MAX_SUBJECT_LENGTH - 1)}…` : subject;
  return [short, ...rest].join("\n");
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
  const entries = output
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
  // An undo is always newer than what it undid, so the undos in this window name every undone change in it.
  const undone = new Set(entries.flatMap((entry) => undoneHashes(entry.message)));
  return entries.map((entry) => (undone.has(entry.hash) ? { ...entry, undone: true } : entry));
}

/** Trailer of an undo commit, naming the change it reverted. */
export const UNDOES_TRAILER = "Undoes";

/** The changes an undo commit reverted: its trailer, or git revert's own line (undos of older tacit versions). */
export function undoneHashes(message: string): string[] {
  const pattern = new RegExp(`^(?:${UNDOES_TRAILER}: |This reverts commit )([0-9a-f]{40})`, "gm");
  return [...message.matchAll(pattern)].map((match) => match[1]!);
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

/** Whether HEAD names a commit; a repository git does not recognise at all is an error, not "no commits". */
export async function hasCommits(folder: string): Promise<boolean> {
  try {
    await runGit(folder, ["rev-parse", "--verify", "-q", "HEAD"]);
    return true;
  } catch (error) {
    if (error instanceof MemoryHistoryError && error.notARepository) throw error;
    return false;
  }
}
