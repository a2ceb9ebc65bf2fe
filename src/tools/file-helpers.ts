import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { createTwoFilesPatch } from "diff";
import { editDistanceAtMost } from "../core/edit-distance.ts";
import type { ToolContext } from "../core/tool.ts";
import { checkedRealPath, readCheckedFile, writeCheckedFile } from "./checked-path.ts";

const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico webp tiff avif psd pdf zip gz tgz bz2 xz 7z rar zst tar jar war class " +
    "exe dll so dylib o a lib obj bin wasm pyc pyo node sqlite db mp3 mp4 m4a wav ogg flac avi mov mkv " +
    "webm woff woff2 ttf otf eot doc docx xls xlsx ppt pptx dmg iso"
  ).split(" "),
);

export function hasBinaryExtension(filePath: string): boolean {
  return BINARY_EXTENSIONS.has(path.extname(filePath).slice(1).toLowerCase());
}

/** The same heuristic as git and ripgrep: a NUL byte near the start means binary. */
export function looksBinary(content: Buffer): boolean {
  const end = Math.min(content.length, 8192);
  for (let index = 0; index < end; index++) if (content[index] === 0) return true;
  return false;
}

export function unifiedDiff(displayName: string, before: string, after: string): string {
  return createTwoFilesPatch(displayName, displayName, before, after, undefined, undefined, { context: 3 });
}

export async function statOrUndefined(filePath: string) {
  try {
    return await stat(filePath);
  } catch {
    return undefined;
  }
}

/** "File not found", plus names in the same folder that look like what was meant (cheap: one readdir). */
export async function missingFileMessage(absolutePath: string, shownPath: string): Promise<string> {
  const directory = path.dirname(absolutePath);
  const wanted = path.basename(absolutePath).toLowerCase();
  const wantedStem = stemOf(wanted);
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch {
    return `File not found: ${shownPath} (its folder does not exist either)`;
  }
  const similar = entries
    .filter((entry) => {
      const lower = entry.toLowerCase();
      return (
        lower === wanted ||
        stemOf(lower) === wantedStem ||
        (wanted.length > 3 && (lower.includes(wanted) || wanted.includes(lower))) ||
        editDistanceAtMost(lower, wanted, 2)
      );
    })
    .slice(0, 5);
  if (similar.length === 0) return `File not found: ${shownPath}`;
  const suggestions = similar.map((entry) => path.join(path.dirname(shownPath), entry)).join(", ");
  return `File not found: ${shownPath}. Did you mean: ${suggestions}?`;
}

function stemOf(name: string): string {
  const extension = path.extname(name);
  return extension ? name.slice(0, -extension.length) : name;
}

/** Remembers what the model has seen, so later edits can warn when the file changed under it. */
export async function recordRead(context: ToolContext, absolutePath: string): Promise<void> {
  const stats = await statOrUndefined(absolutePath);
  if (stats) context.state.readFiles.set(absolutePath, stats.mtimeMs);
}

/** A warning line when the file changed on disk since the model last read it; empty otherwise. */
export async function staleReadWarning(context: ToolContext, absolutePath: string): Promise<string> {
  const seenMtime = context.state.readFiles.get(absolutePath);
  if (seenMtime === undefined) return "";
  const stats = await statOrUndefined(absolutePath);
  if (!stats || stats.mtimeMs === seenMtime) return "";
  return "Warning: the file changed on disk since you last read it; check the result.\n";
}

/**
 * A whole file's bytes: through the context's file access when it has one (an editor's buffer), else
 * the disk at the real path the gate checked.
 */
export async function readWholeFile(context: ToolContext, absolutePath: string): Promise<Buffer> {
  if (context.files)
    return Buffer.from(
      await context.files.readText(absolutePath, checkedRealPath(context, absolutePath)),
      "utf8",
    );
  return readCheckedFile(context, absolutePath);
}

/** Writes a whole file: through the context's file access when it has one, else atomically at the checked real path. */
export async function writeWholeFile(
  context: ToolContext,
  absolutePath: string,
  content: string,
): Promise<void> {
  if (context.files)
    await context.files.writeText(absolutePath, content, checkedRealPath(context, absolutePath));
  else writeCheckedFile(context, absolutePath, content);
}
