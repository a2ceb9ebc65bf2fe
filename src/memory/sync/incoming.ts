import { REPOSITORY_FILE_TEXTS, runGit } from "../git-history.ts";
import { isMemoryFilePath, MAX_MEMORY_FILE_BYTES } from "../memory-file-paths.ts";
import type { Redact } from "../redact-hand-edits.ts";
import type { Change } from "./tree-plumbing.ts";

export interface IncomingChanges {
  /** The remote's changes this machine takes, their text redacted (a new blob when redaction changed it). */
  accepted: Map<string, Change>;
  /** How many of the remote's changes were not memory files and were left out. */
  skipped: number;
}

/** Regular files only: a symlink (120000) or a submodule (160000) is never checked out. */
const FILE_MODES = new Set(["100644", "100755"]);

/**
 * Filters what a remote brings in. The remote is another machine, or whoever
 * can write to it: only regular `<name>.md` files directly in the scope, under
 * the size cap, come in (never a symlink, a folder, a .gitattributes or a 40 MB
 * file), and their text is redacted as any hand edit is, so a secret the other
 * side let through stops here. Deleting a memory file comes in too.
 */
export async function acceptIncoming(
  folder: string,
  changes: Map<string, Change>,
  redact: Redact,
): Promise<IncomingChanges> {
  const candidates = [...changes].filter(
    ([file, change]) => isMemoryFilePath(file) && (change.deleted || FILE_MODES.has(change.mode)),
  );
  const sizes = await blobSizes(
    folder,
    candidates.filter(([, change]) => !change.deleted).map(([, change]) => change.blob),
  );
  const accepted = new Map<string, Change>();
  for (const [file, change] of candidates) {
    if (change.deleted) {
      accepted.set(file, change);
      continue;
    }
    if ((sizes.get(change.blob) ?? Number.POSITIVE_INFINITY) > MAX_MEMORY_FILE_BYTES) continue;
    const text = await runGit(folder, ["cat-file", "blob", change.blob]);
    const redacted = redact(text);
    const blob =
      redacted.redactions.length === 0
        ? change.blob
        : (await runGit(folder, ["hash-object", "-w", "--stdin"], redacted.text)).trim();
    accepted.set(file, { mode: "100644", blob, deleted: false });
  }
  // tacit's own .gitignore and .gitattributes are this side's to keep: not worth a word.
  const skipped = [...changes.keys()].filter(
    (file) => !accepted.has(file) && !(file in REPOSITORY_FILE_TEXTS),
  ).length;
  return { accepted, skipped };
}

/** Each blob's size from one `git cat-file --batch-check`, without reading any blob. */
async function blobSizes(folder: string, blobs: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (blobs.length === 0) return sizes;
  const output = await runGit(folder, ["cat-file", "--batch-check"], `${blobs.join("\n")}\n`);
  for (const line of output.split("\n")) {
    const [blob, kind, size] = line.split(" ");
    if (blob && kind === "blob" && size) sizes.set(blob, Number(size));
  }
  return sizes;
}

/** The one line naming what a sync left out, or none. */
export function skippedNotice(scope: string, skipped: number): string[] {
  if (skipped === 0) return [];
  return [
    `skipped ${skipped} file(s) from the remote's ${scope} memory that are not memory files (only regular <name>.md files up to ${MAX_MEMORY_FILE_BYTES / 1024} KB come in)`,
  ];
}
