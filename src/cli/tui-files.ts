import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import { gitEnvironment, REPOSITORY_GIT_GUARDS } from "../config/git-tracked.ts";
import { ensureOwnerOnlyFile, ensurePrivateHome } from "../config/private-store.ts";
import { redactSecrets } from "../memory/redaction.ts";
import { walkFiles } from "../tools/walk-files.ts";

/** How many past prompts are loaded for Up/Down. */
const HISTORY_LIMIT = 500;
/** @ completion shows a few dozen paths at most. */
const MAX_COMPLETIONS = 40;
/** A bounded walk outside git: enough for completion, never a stall in a huge folder. */
const MAX_WALKED_FILES = 5_000;
/** The file list is reused for this long, so typing after @ does not run git on every key. */
const FILE_LIST_TTL_MS = 5_000;

/** Prompt history across sessions: one JSON object per line, appended, never rewritten, secrets redacted. */
export function createPromptHistory(home: string, cwd: string) {
  const file = path.join(home, "history.jsonl");
  return {
    async load(): Promise<string[]> {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch {
        return [];
      }
      const entries: string[] = [];
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        try {
          const parsed = JSON.parse(line) as { text?: unknown };
          if (typeof parsed.text === "string" && parsed.text.trim()) entries.push(parsed.text);
        } catch {
          // A line cut by a crash is skipped; the rest of the history is still good.
        }
      }
      return entries.slice(-HISTORY_LIMIT);
    },
    async append(text: string): Promise<void> {
      if (!text.trim()) return;
      ensurePrivateHome(home);
      // What the user typed, in every project: theirs alone (one kept before this is tightened).
      ensureOwnerOnlyFile(file, { create: true });
      // Up recalls the redacted prompt: a key typed once is not kept for every later session.
      const stored = redactSecrets(text).text;
      await appendFile(file, `${JSON.stringify({ text: stored, at: new Date().toISOString(), cwd })}\n`);
    },
  };
}

/** Paths under cwd for @ completion: git's list in a repository, else a bounded walk. */
export function createFileLister(cwd: string, projectRoot: string) {
  let cached: { at: number; files: Promise<string[]> } | undefined;
  const allFiles = (): Promise<string[]> => {
    const now = Date.now();
    if (!cached || now - cached.at > FILE_LIST_TTL_MS) {
      cached = { at: now, files: listAll(cwd, projectRoot) };
    }
    return cached.files;
  };
  return async (prefix: string): Promise<string[]> => {
    const files = await allFiles();
    const wanted = prefix.toLowerCase();
    const starting = files.filter((file) => file.toLowerCase().startsWith(wanted));
    const containing =
      starting.length >= MAX_COMPLETIONS
        ? []
        : files.filter(
            (file) => !file.toLowerCase().startsWith(wanted) && file.toLowerCase().includes(wanted),
          );
    // Enter takes the top item: the name exactly as typed must be it, then names in the typed case,
    // then the same name in another case (git's byte order put `shot.PNG` before `shot.png`, so
    // Enter changed what the user wrote).
    const rank = (file: string) =>
      file === prefix ? 0 : file.startsWith(prefix) ? 1 : file.toLowerCase() === wanted ? 2 : 3;
    const ranked = starting.toSorted((first, second) => rank(first) - rank(second));
    return [...ranked, ...containing].slice(0, MAX_COMPLETIONS);
  };
}

async function listAll(cwd: string, projectRoot: string): Promise<string[]> {
  if (existsSync(path.join(projectRoot, ".git"))) {
    const fromGit = await gitFiles(cwd);
    if (fromGit) return fromGit;
  }
  const files: string[] = [];
  for await (const file of walkFiles(cwd, { projectRoot, maxFiles: MAX_WALKED_FILES })) {
    files.push(file.relativePath);
  }
  return files.sort();
}

/** Tracked and untracked-but-not-ignored files, relative to cwd; undefined when git fails. */
function gitFiles(cwd: string): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      "git",
      // Guarded: a repository unpacked with its .git may name an fsmonitor program that ls-files would run.
      [...REPOSITORY_GIT_GUARDS, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
      { cwd, env: gitEnvironment(), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return resolve(undefined);
        resolve([...new Set(stdout.split("\0").filter(Boolean))].sort());
      },
    );
  });
}
