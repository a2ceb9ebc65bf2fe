import { hasCommits, isRepository, runGit } from "../../memory/git-history.ts";
import type { FileChange, TimelineDay } from "./api-types.ts";

const RECORD = "\x1e";
const FIELD = "\x1f";
/** A patch longer than this is cut: the page shows how a memory changed, not megabytes of it. */
const MAX_PATCH_CHARACTERS = 20_000;

/**
 * One memory file's changes, newest first, each with its patch (git log -p on that one path). The
 * memory history is tacit's own repository per scope (scope-history.ts); renames are not followed,
 * since a rename in tacit is a new name the user chose.
 */
export async function fileChanges(folder: string, fileName: string, limit = 20): Promise<FileChange[]> {
  if (!isRepository(folder) || !(await hasCommits(folder))) return [];
  const output = await runGit(folder, [
    "log",
    `--max-count=${limit}`,
    `--format=${RECORD}%H${FIELD}%aI${FIELD}%B${FIELD}`,
    "-p",
    "--no-color",
    "--no-ext-diff",
    "--",
    fileName,
  ]);
  return output
    .split(RECORD)
    .filter((record) => record.trim())
    .map((record) => {
      const [hash = "", date = "", message = "", patch = ""] = record.split(FIELD);
      const trimmed = patch.trim();
      return {
        hash,
        date,
        message: message.trim(),
        patch:
          trimmed.length > MAX_PATCH_CHARACTERS ? `${trimmed.slice(0, MAX_PATCH_CHARACTERS)}\n…` : trimmed,
      };
    });
}

/** The sessions named by `source:` lines that earlier versions of the file carried (added lines of its patches). */
export function sourcesInPatches(changes: readonly FileChange[]): string[] {
  const sources: string[] = [];
  for (const change of changes) {
    for (const match of change.patch.matchAll(/^\+source: *(.+)$/gm)) {
      const source = match[1]!.trim().replace(/^["']|["']$/g, "");
      if (source && !sources.includes(source)) sources.push(source);
    }
  }
  return sources;
}

/** Who made a change, from its commit subject: tacit's actors prefix it ("reflection: update …"). */
export function actorOf(message: string): string {
  const match = /^([a-z][a-z-]*): (?:create|update|forget|rename|record|undo|approve)/.exec(message);
  return match ? match[1]! : "you";
}

/** Commits per day and actor over a scope's whole history (dates and subjects only, no patches). */
export async function scopeTimeline(
  folder: string,
  scope: string,
): Promise<{ days: TimelineDay[]; commits: Array<{ date: string; message: string }> }> {
  if (!isRepository(folder) || !(await hasCommits(folder))) return { days: [], commits: [] };
  const output = await runGit(folder, ["log", `--format=%aI${FIELD}%s`]);
  const commits = output
    .split("\n")
    .filter((line) => line.includes(FIELD))
    .map((line) => {
      const [date = "", message = ""] = line.split(FIELD);
      return { date, message };
    });
  const days = new Map<string, TimelineDay>();
  for (const commit of commits) {
    const day = commit.date.slice(0, 10);
    const entry = days.get(day) ?? { day, scope, byActor: {} };
    const actor = actorOf(commit.message);
    entry.byActor[actor] = (entry.byActor[actor] ?? 0) + 1;
    days.set(day, entry);
  }
  return { days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)), commits };
}
