import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";

export type Redact = (text: string) => { text: string; redactions: unknown[] };

/**
 * Every memory file in the folder: a repository re-created after damage
 * commits them all at once, hand edits or not, with no history to ask.
 */
export function redactAllMemoryFiles(folder: string, redact: Redact): number {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  return redactFilesInPlace(folder, names, redact);
}

/**
 * Hand edits in a versioned scope are committed before tacit's next change, and a secret
 * in a commit outlives its deletion from the file. So the changed memory files are
 * redacted in place first, as every write through tacit is. Only regular files: a
 * symlink is committed as a link, and reading through it would copy outside content in.
 * `files` are relative to the folder (git status's list); returns how many secrets were removed.
 */
export function redactFilesInPlace(folder: string, files: string[], redact: Redact): number {
  let removed = 0;
  for (const file of files) {
    if (!file.endsWith(".md")) continue;
    const filePath = path.join(folder, file);
    let text: string;
    try {
      if (!lstatSync(filePath).isFile()) continue;
      text = readFileSync(filePath, "utf8");
    } catch {
      continue; // deleted by hand: nothing to redact
    }
    const result = redact(text);
    if (result.redactions.length === 0) continue;
    writeFileAtomic(filePath, result.text);
    removed += result.redactions.length;
  }
  return removed;
}
