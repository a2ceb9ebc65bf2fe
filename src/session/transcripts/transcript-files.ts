import { type Dirent, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Folders below this depth are not walked: a misplaced path (`/`) must not read the whole disk. */
const MAX_WALK_DEPTH = 6;

/** The entries of a folder, none when it is missing or unreadable (another agent's folder may not exist). */
export function listFolder(folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * The files under `folder` (itself included when it is a file) whose name `wanted` accepts, walking
 * into subfolders `enter` accepts, sorted by path so runs list them in the same order.
 */
export function findFiles(
  folder: string,
  wanted: (name: string) => boolean,
  enter: (name: string) => boolean = () => true,
): string[] {
  const stats = statSync(folder, { throwIfNoEntry: false });
  if (!stats) return [];
  if (stats.isFile()) return [folder];
  const found: string[] = [];
  const walk = (current: string, depth: number) => {
    for (const entry of listFolder(current)) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory() && depth < MAX_WALK_DEPTH && enter(entry.name)) walk(full, depth + 1);
      else if (entry.isFile() && wanted(entry.name)) found.push(full);
    }
  };
  walk(folder, 0);
  return found.sort();
}
