import { chmod, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import { readFileAtRealPath } from "../../config/checked-file.ts";
import { resolveThroughLinks } from "../../config/real-path.ts";
import type { TextFileAccess } from "../../core/tool.ts";
import { nonRegularFileMessage } from "../file-stream.ts";
import type { PatchOperation, UpdateChunk } from "./parse.ts";

class PatchApplyError extends Error {
  override name = "PatchApplyError";
}

interface AppliedChange {
  kind: "add" | "delete" | "update";
  /** Absolute path the operation named. */
  path: string;
  /** Absolute destination when the update moved the file. */
  movedTo?: string;
  before: string;
  after: string;
}

export interface ApplyResult {
  changes: AppliedChange[];
  /** Set when an operation failed; the changes before it stay on disk, as in the reference. */
  error?: string;
}

/**
 * Applies operations one after another, writing as it goes. Like the Codex
 * reference this is not atomic across operations: when one fails, the ones
 * before it stay applied (scenario 015), and the result says so.
 */
export async function applyPatchOperations(
  operations: PatchOperation[],
  cwd: string,
  files: TextFileAccess = DISK,
  /** Where a path really is, as the permission gate judged it: deletions and modes act there, never through a link. */
  realPathOf: (absolutePath: string) => string = resolveThroughLinks,
): Promise<ApplyResult> {
  const changes: AppliedChange[] = [];
  for (const operation of operations) {
    const absolutePath = path.resolve(cwd, operation.path);
    try {
      changes.push(await applyOperation(operation, absolutePath, cwd, files, realPathOf));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { changes, error: message };
    }
  }
  return { changes };
}

/** The disk, when no editor offers its buffers (ToolContext.files). Deletions and moves always act on the disk. */
const DISK: TextFileAccess = {
  readText: (absolutePath) => readFile(absolutePath, "utf8"),
  writeText: async (absolutePath, content) => writeFileAtomic(absolutePath, content),
};

async function applyOperation(
  operation: PatchOperation,
  absolutePath: string,
  cwd: string,
  files: TextFileAccess,
  realPathOf: (absolutePath: string) => string,
): Promise<AppliedChange> {
  // A FIFO or device at the path would hang, or never end, the reads below.
  const existing = await stat(absolutePath).catch(() => undefined);
  const notRegular = existing && !existing.isDirectory() && nonRegularFileMessage(existing, operation.path);
  if (notRegular) throw new PatchApplyError(notRegular);
  if (operation.kind === "add") {
    const before = await files.readText(absolutePath, realPathOf(absolutePath)).catch(() => "");
    await files.writeText(absolutePath, operation.contents, realPathOf(absolutePath));
    return { kind: "add", path: absolutePath, before, after: operation.contents };
  }
  if (operation.kind === "delete") {
    const realPath = realPathOf(absolutePath);
    const stats = await stat(realPath).catch(() => undefined);
    if (!stats) throw new PatchApplyError(`Failed to delete ${operation.path}: the file does not exist`);
    if (stats.isDirectory())
      throw new PatchApplyError(`Failed to delete ${operation.path}: it is a directory`);
    const before = (await readFileAtRealPath(realPath)).toString("utf8");
    // The real file the gate judged: a link there is removed as a link (rm does not follow one).
    await rm(realPath);
    return { kind: "delete", path: absolutePath, before, after: "" };
  }
  let before: string;
  try {
    before = await files.readText(absolutePath, realPathOf(absolutePath));
  } catch {
    throw new PatchApplyError(
      `Failed to read ${operation.path} to update it: the file does not exist or is unreadable`,
    );
  }
  const after = applyChunks(before, operation.chunks, operation.path);
  if (operation.moveTo !== undefined) {
    const destination = path.resolve(cwd, operation.moveTo);
    await files.writeText(destination, after, realPathOf(destination));
    if (destination !== absolutePath) {
      // A moved script stays executable: the file keeps its mode, as `git mv` keeps it.
      const sourceMode = (await stat(realPathOf(absolutePath))).mode & 0o7777;
      await chmod(realPathOf(destination), sourceMode);
      await rm(realPathOf(absolutePath));
    }
    return { kind: "update", path: absolutePath, movedTo: destination, before, after };
  }
  await files.writeText(absolutePath, after, realPathOf(absolutePath));
  return { kind: "update", path: absolutePath, before, after };
}

/** The new content of one file after its chunks; throws when a chunk's lines cannot be found. */
function applyChunks(content: string, chunks: UpdateChunk[], shownPath: string): string {
  // Lines are matched by their text; each keeps its own line ending, and new
  // lines take the file's most common one, so Windows files stay CRLF.
  const { texts: lines, endings } = splitLines(content);
  const newline = dominantEnding(endings);
  const replacements: Array<{ start: number; removeCount: number; insert: string[] }> = [];
  let lineIndex = 0;
  for (const chunk of chunks) {
    for (const anchor of chunk.anchors) {
      const found = seekSequence(lines, [anchor], lineIndex, false);
      if (found === undefined)
        throw new PatchApplyError(`Failed to find context '${anchor}' in ${shownPath}`);
      lineIndex = found + 1;
    }
    if (chunk.oldLines.length === 0) {
      // Pure additions go at the end of the file.
      const end = lines.at(-1) === "" ? lines.length - 1 : lines.length;
      replacements.push({ start: end, removeCount: 0, insert: chunk.newLines });
      continue;
    }
    let pattern = chunk.oldLines;
    let insert = chunk.newLines;
    let found = seekSequence(lines, pattern, lineIndex, chunk.isEndOfFile);
    if (found === undefined && pattern.at(-1) === "") {
      // A trailing empty line is often just the file's final newline written out.
      pattern = pattern.slice(0, -1);
      if (insert.at(-1) === "") insert = insert.slice(0, -1);
      found = seekSequence(lines, pattern, lineIndex, chunk.isEndOfFile);
    }
    if (found === undefined) {
      throw new PatchApplyError(
        `Failed to find the expected lines in ${shownPath}:\n${chunk.oldLines.join("\n")}`,
      );
    }
    replacements.push({ start: found, removeCount: pattern.length, insert });
    lineIndex = found + pattern.length;
  }
  replacements.sort((left, right) => left.start - right.start);
  for (const replacement of replacements.toReversed()) {
    const removed = lines.splice(replacement.start, replacement.removeCount, ...replacement.insert);
    const removedEndings = endings.slice(replacement.start, replacement.start + replacement.removeCount);
    endings.splice(
      replacement.start,
      replacement.removeCount,
      ...endingsFor(replacement.insert, removed, removedEndings, newline),
    );
  }
  // The result always ends with a line ending.
  if (endings.length > 0 && endings.at(-1) === "") endings[endings.length - 1] = newline;
  return lines.map((line, index) => line + (endings[index] ?? newline)).join("");
}

/**
 * Endings for a chunk's new lines: a line that was already there (context, in
 * order) keeps its own ending; a new or changed line takes the file's usual one.
 */
function endingsFor(
  inserted: string[],
  removed: string[],
  removedEndings: string[],
  newline: string,
): string[] {
  let next = 0;
  return inserted.map((line) => {
    const found = removed.indexOf(line, next);
    if (found === -1) return newline;
    next = found + 1;
    return removedEndings[found] || newline;
  });
}

/** Lines without their endings, and each line's ending ("" for a last line without one). */
function splitLines(content: string): { texts: string[]; endings: string[] } {
  const texts: string[] = [];
  const endings: string[] = [];
  let start = 0;
  // A lone \r stays part of the line (progress output, old fixtures): only \n and \r\n end lines.
  for (const match of content.matchAll(/\r?\n/g)) {
    texts.push(content.slice(start, match.index));
    endings.push(match[0]);
    start = match.index + match[0].length;
  }
  if (start < content.length) {
    texts.push(content.slice(start));
    endings.push("");
  }
  return { texts, endings };
}

function dominantEnding(endings: string[]): string {
  const counts = new Map<string, number>();
  for (const ending of endings) if (ending) counts.set(ending, (counts.get(ending) ?? 0) + 1);
  let best = "\n";
  let bestCount = 0;
  for (const [ending, count] of counts) {
    if (count > bestCount) {
      best = ending;
      bestCount = count;
    }
  }
  return best;
}

const ASCII_EQUIVALENTS: Record<string, string> = {};
for (const character of "\u2010\u2011\u2012\u2013\u2014\u2015\u2212") ASCII_EQUIVALENTS[character] = "-";
for (const character of "\u2018\u2019\u201A\u201B") ASCII_EQUIVALENTS[character] = "'";
for (const character of "\u201C\u201D\u201E\u201F") ASCII_EQUIVALENTS[character] = '"';
for (const character of "\u00A0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000") {
  ASCII_EQUIVALENTS[character] = " ";
}

function normalizePunctuation(line: string): string {
  let result = "";
  for (const character of line.trim()) result += ASCII_EQUIVALENTS[character] ?? character;
  return result;
}

const COMPARISONS: Array<(line: string) => string> = [
  (line) => line,
  (line) => line.trimEnd(),
  (line) => line.trim(),
  normalizePunctuation,
];

/**
 * Finds `pattern` in `lines` at or after `start`, each pass looser than the
 * last (exact, trailing space, surrounding space, typographic punctuation),
 * as the reference does. With `fromEnd`, the match must be at the file's end.
 */
function seekSequence(
  lines: string[],
  pattern: string[],
  start: number,
  fromEnd: boolean,
): number | undefined {
  if (pattern.length === 0) return start;
  if (pattern.length > lines.length) return undefined;
  const searchStart = fromEnd ? lines.length - pattern.length : start;
  for (const compare of COMPARISONS) {
    const wanted = pattern.map(compare);
    for (let index = searchStart; index <= lines.length - pattern.length; index++) {
      let matches = true;
      for (let offset = 0; offset < pattern.length; offset++) {
        if (compare(lines[index + offset]!) !== wanted[offset]) {
          matches = false;
          break;
        }
      }
      if (matches) return index;
    }
  }
  return undefined;
}
