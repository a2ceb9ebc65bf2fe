import { createHash } from "node:crypto";
import { type BigIntStats, lstatSync, readdirSync, readlinkSync } from "node:fs";
import path from "node:path";
import { readBoundedFile } from "./bounded-read.ts";

/** Up to this many files, and this many bytes in all, a folder is covered by the content of each file. */
export const MAX_CONTENT_FILES = 2000;
export const MAX_CONTENT_BYTES = 16 * 1024 * 1024;
/** A folder is listed no further than this (a whole monorepo under `node .`): files past it are not covered. */
const MAX_LISTED_FILES = 100_000;

/**
 * Folders never walked: dependencies the user installs (not the repository's
 * own code, and far too many) and every `.git`, which git itself guards.
 */
const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

/**
 * Files under the project that tacit itself writes while working: trust must
 * not be lost because "allow always" saved a rule or reflection saved a
 * memory. (The local settings file's commands are covered on their own.)
 */
const TACIT_OWN = [".tacit/settings.local.json", ".tacit/memory"];

/** How trust covers one folder a command runs or globs over, for `tacit trust` to say. */
export interface FolderCoverage {
  /** Relative to the project, "/"-separated; "." for the project itself. */
  folder: string;
  files: number;
  /** Each file's content; otherwise (too many or too large) each file's name, size and change times. */
  byContent: boolean;
  /** More than MAX_LISTED_FILES: those past it (in name order) are not covered. */
  truncated: boolean;
}

/**
 * A digest of everything a command could run from a folder: every file under
 * it (not through links: a link is covered as where it points), by name and
 * content while the folder is small, else by name, size and change times
 * (ctime cannot be set back by a script, so any write shows). A file added,
 * removed, renamed or changed gives another digest, so trust asks again.
 */
export function folderFingerprint(
  projectRoot: string,
  folder: string,
): { digest: string; coverage: FolderCoverage } {
  const listed = listFolder(projectRoot, folder);
  const totalBytes = listed.files.reduce((sum, file) => sum + Number(file.stats.size), 0);
  const byContent = listed.files.length <= MAX_CONTENT_FILES && totalBytes <= MAX_CONTENT_BYTES;
  const hash = createHash("sha256");
  hash.update(`${folder}\0${byContent ? "content" : "stat"}\0${listed.truncated ? "truncated" : "whole"}\n`);
  for (const { relative, stats, link } of listed.files) {
    let identity: string;
    if (link !== undefined) identity = `link ${link}`;
    else if (byContent) {
      const read = readBoundedFile(path.join(projectRoot, relative), MAX_CONTENT_BYTES);
      identity =
        read.state === "read" ? createHash("sha256").update(read.bytes).digest("hex") : `\0${read.state}`;
    } else identity = `${stats.size} ${stats.mtimeNs} ${stats.ctimeNs} ${stats.ino}`;
    hash.update(`${relative}\0${identity}\n`);
  }
  return {
    digest: hash.digest("hex"),
    coverage: { folder, files: listed.files.length, byContent, truncated: listed.truncated },
  };
}

interface ListedFile {
  relative: string;
  stats: BigIntStats;
  /** A symbolic link's target, not followed. */
  link?: string;
}

/** Every file under the folder, in name order, without following links or entering skipped folders. */
function listFolder(projectRoot: string, folder: string): { files: ListedFile[]; truncated: boolean } {
  const files: ListedFile[] = [];
  const pending = [folder];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    let names: string[];
    try {
      names = readdirSync(path.join(projectRoot, current)).sort();
    } catch {
      continue;
    }
    const subfolders: string[] = [];
    for (const name of names) {
      const relative = current === "." ? name : `${current}/${name}`;
      if (TACIT_OWN.includes(relative)) continue;
      let stats: BigIntStats;
      try {
        stats = lstatSync(path.join(projectRoot, relative), { bigint: true });
      } catch {
        continue;
      }
      if (stats.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(name)) subfolders.push(relative);
        continue;
      }
      if (files.length >= MAX_LISTED_FILES) return { files, truncated: true };
      const link = stats.isSymbolicLink() ? safeReadLink(path.join(projectRoot, relative)) : undefined;
      files.push({ relative, stats, ...(link !== undefined ? { link } : {}) });
    }
    // Reversed onto the stack, so folders are walked in name order.
    pending.push(...subfolders.reverse());
  }
  return { files, truncated: false };
}

function safeReadLink(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return "\0unreadable";
  }
}
