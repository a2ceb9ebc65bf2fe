import { statSync } from "node:fs";
import path from "node:path";
import type { MemoryScope } from "./scopes.ts";

/**
 * A file modified this close to the sync may be written again within the same
 * mtime tick, with the same size, after we looked (coarse file-system clocks
 * make the tick up to 2 s): its metadata is not trusted, so the next sync
 * reads it once more. The same reasoning as git's "racy clean" entries.
 */
export const RACY_WINDOW_MS = 2_000;

/**
 * A memory folder's own stat. Its ctime moves whenever a file in it is added,
 * removed or renamed (tacit's writes are atomic renames; git checkout and pull
 * unlink and create), and nobody can set a ctime back: an unchanged stamp means
 * the folder holds the same names as when it was taken. Null: no folder.
 */
type FolderStamp = { mtimeMs: number; ctimeMs: number; ino: number; dev: number } | null;

/** What the last sync saw, per project and set of enabled scopes: its folders, and every file in them. */
export interface FolderManifest {
  /** Date.now() when the folders were stamped, just before they were listed. */
  stampedAt: number;
  folders: Partial<Record<MemoryScope, FolderStamp>>;
  /** Every file's name and stats as stored (encodeManifestFiles): decoded only when needed (manifestFiles). */
  blob: Uint8Array;
}

/** The files of a manifest, in the order MemoryStore.snapshot lists them. */
export interface ManifestFiles {
  files: Array<{ scope: MemoryScope; name: string }>;
  /**
   * Per file, in order: mtimeMs (NaN: not to be trusted, read it at the next sync), ctimeMs, size.
   * A Float64Array, so 20,000 files load as one blob instead of a JSON parse.
   */
  stats: Float64Array;
}

const decoded = new WeakMap<FolderManifest, ManifestFiles>();

export function manifestFiles(manifest: FolderManifest): ManifestFiles {
  let files = decoded.get(manifest);
  if (!files) {
    files = decodeManifestFiles(manifest.blob) as ManifestFiles;
    decoded.set(manifest, files);
  }
  return files;
}

export const STATS_PER_FILE = 3;

export function stampFolders(folders: Partial<Record<MemoryScope, string>>): FolderManifest["folders"] {
  const stamps: FolderManifest["folders"] = {};
  for (const [scope, folder] of Object.entries(folders) as Array<[MemoryScope, string]>) {
    const stats = statSync(folder, { throwIfNoEntry: false });
    stamps[scope] = stats
      ? { mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, dev: stats.dev }
      : null;
  }
  return stamps;
}

/**
 * The folders hold the names they held when the manifest was written: every stamp is the
 * same and was old enough when taken (a change in the same clock tick as the stamp, after
 * it, would leave it unchanged).
 */
export function sameFolders(manifest: FolderManifest, now: FolderManifest["folders"]): boolean {
  const scopes = Object.keys(now) as MemoryScope[];
  if (scopes.length !== Object.keys(manifest.folders).length) return false;
  return scopes.every((scope) => {
    const before = manifest.folders[scope];
    const after = now[scope];
    if (before === undefined || after === undefined) return false;
    if (before === null || after === null) return before === after;
    return (
      before.mtimeMs === after.mtimeMs &&
      before.ctimeMs === after.ctimeMs &&
      before.ino === after.ino &&
      before.dev === after.dev &&
      Math.max(before.mtimeMs, before.ctimeMs) <= manifest.stampedAt - RACY_WINDOW_MS
    );
  });
}

/** The manifest's names equal what the folders list now (sorted per scope, as MemoryStore lists them). */
export function sameNames(
  manifest: ManifestFiles,
  listed: Array<{ scope: MemoryScope; names: string[] }>,
): boolean {
  let index = 0;
  for (const { scope, names } of listed) {
    for (const fileName of names) {
      const file = manifest.files[index++];
      if (!file || file.scope !== scope || `${file.name}.md` !== fileName) return false;
    }
  }
  return index === manifest.files.length;
}

/** Where each manifest file lives, with the folders given per scope. */
export function manifestPaths(
  manifest: ManifestFiles,
  folders: Partial<Record<MemoryScope, string>>,
): string[] {
  const resolved = new Map(
    (Object.entries(folders) as Array<[MemoryScope, string]>).map(([scope, folder]) => [
      scope,
      path.resolve(folder),
    ]),
  );
  return manifest.files.map(({ scope, name }) => `${resolved.get(scope)}${path.sep}${name}.md`);
}

/** [count, names length] then the stats, then "scope\0name\0…" in UTF-8: one blob, one copy to load. */
export function encodeManifestFiles(manifest: ManifestFiles): Uint8Array {
  const names = new TextEncoder().encode(
    manifest.files.map((file) => `${file.scope}\0${file.name}`).join("\0"),
  );
  const statsBytes = manifest.files.length * STATS_PER_FILE * 8;
  const blob = new Uint8Array(8 + statsBytes + names.length);
  const header = new DataView(blob.buffer);
  header.setUint32(0, manifest.files.length, true);
  header.setUint32(4, names.length, true);
  blob.set(new Uint8Array(manifest.stats.buffer, manifest.stats.byteOffset, statsBytes), 8);
  blob.set(names, 8 + statsBytes);
  return blob;
}

/**
 * encodeManifestFiles undone. Self-contained (literals, no other name of this module) because
 * content-check.ts hands its source to a worker thread, which cannot import it.
 */
export function decodeManifestFiles(blob: Uint8Array): {
  files: Array<{ scope: string; name: string }>;
  stats: Float64Array;
} {
  const header = new DataView(blob.buffer, blob.byteOffset, 8);
  const count = header.getUint32(0, true);
  const namesLength = header.getUint32(4, true);
  const statsEnd = 8 + count * 3 * 8;
  // Copied out: the blob's offset need not be 8-aligned for a Float64Array view.
  const stats = new Float64Array(blob.slice(8, statsEnd).buffer);
  const parts = count
    ? new TextDecoder().decode(blob.subarray(statsEnd, statsEnd + namesLength)).split("\0")
    : [];
  const files: Array<{ scope: string; name: string }> = [];
  for (let index = 0; index < parts.length; index += 2)
    files.push({ scope: parts[index]!, name: parts[index + 1]! });
  return { files, stats };
}
