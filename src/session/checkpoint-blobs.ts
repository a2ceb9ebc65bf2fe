import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from "./private-folder.ts";

/** Where checkpoint bytes live: ~/.tacit/checkpoints/blobs/<sha256>. */
export function checkpointBlobDirectory(home: string): string {
  return path.join(home, "checkpoints", "blobs");
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const HASH_NAME = /^[0-9a-f]{64}$/;

/**
 * Content-addressed file snapshots. Not redacted, unlike every other store of
 * tacit's: a rewind must put back the exact bytes. They never leave the
 * machine (memory sync pushes only the memory scopes).
 */
export class CheckpointBlobs {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = directory;
  }

  private folderIsPrivate = false;

  /**
   * Stores the bytes once (a blob already there is the same bytes) and returns their hash.
   * Unredacted, so only the user may read them: checkpoints/ and blobs/ 0700, each blob 0600.
   */
  put(bytes: Uint8Array): string {
    const hash = sha256Hex(bytes);
    const file = path.join(this.directory, hash);
    if (!this.folderIsPrivate) {
      ensurePrivateFolder(path.dirname(this.directory), this.directory);
      this.folderIsPrivate = true;
    }
    if (!existsSync(file)) writeFileAtomic(file, bytes, { mode: PRIVATE_FILE_MODE });
    return hash;
  }

  /** The bytes stored under hash; undefined when pruned or damaged (checked against the hash). */
  get(hash: string): Buffer | undefined {
    if (!HASH_NAME.test(hash)) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(this.directory, hash));
    } catch {
      return undefined;
    }
    return sha256Hex(bytes) === hash ? bytes : undefined;
  }

  /**
   * Removes every blob no record names any more. A blob younger than an hour
   * is kept: another session may have written it and not yet its record.
   */
  removeUnreferenced(referenced: ReadonlySet<string>, now: number = Date.now()): number {
    let removed = 0;
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!HASH_NAME.test(name) || referenced.has(name)) continue;
      const file = path.join(this.directory, name);
      const modified = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? now;
      if (now - modified < 60 * 60 * 1000) continue;
      rmSync(file, { force: true });
      removed += 1;
    }
    return removed;
  }
}
