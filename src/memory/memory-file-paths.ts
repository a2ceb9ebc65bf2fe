import { appendFileSync, lstatSync, mkdirSync } from "node:fs";
import path from "node:path";

/**
 * Largest memory file that history records and sync carries. A memory is a note
 * read into the model's context, never a blob: a bigger file is a mistake or an
 * attack (a remote planting 40 MB), and git would keep it forever.
 */
export const MAX_MEMORY_FILE_BYTES = 256 * 1024;

/**
 * Whether a path relative to a scope folder names a memory file: `<name>.md`
 * directly in the folder. Anything else there (notes.txt, sub/.env, a dot file)
 * is not memory: history never commits it and sync never carries it.
 */
export function isMemoryFilePath(file: string): boolean {
  return file.length > 3 && file.endsWith(".md") && !file.startsWith(".") && !/[/\\\0]/.test(file);
}

/**
 * Whether history may record this path now: a memory file that is a regular
 * file within the size cap, or one that is gone (its deletion is recorded). A
 * symlink is never followed nor committed: it could point at a key outside.
 */
export function isRecordableMemoryFile(folder: string, file: string): boolean {
  if (!isMemoryFilePath(file)) return false;
  try {
    const stats = lstatSync(path.join(folder, file));
    return stats.isFile() && stats.size <= MAX_MEMORY_FILE_BYTES;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/**
 * Adds files that are not memory to the repository's own exclude list (never
 * synced, unlike .gitignore), so git stops listing them as hand edits and the
 * user is told about each once. Memory-named files left out (a symlink, one over
 * the cap) are not excluded: once fixed, they are recorded again.
 */
export function excludeFromHistory(folder: string, files: string[]): void {
  const patterns = files
    .filter((file) => !isMemoryFilePath(file) && !/[\n\r]/.test(file))
    // Anchored to the folder, with gitignore's special characters taken literally.
    .map((file) => `/${file.replace(/[\\*?[\]!#]/g, "\\$&").replace(/ $/, "\\ ")}\n`);
  if (patterns.length === 0) return;
  const infoFolder = path.join(folder, ".git", "info");
  try {
    mkdirSync(infoFolder, { recursive: true });
    appendFileSync(
      path.join(infoFolder, "exclude"),
      `# tacit: not memory files, left out\n${patterns.join("")}`,
    );
  } catch {
    // A `.git` that is a file (a linked worktree): the files are still left out, only named again next time.
  }
}
