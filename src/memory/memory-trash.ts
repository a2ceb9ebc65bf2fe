import { readFileSync, unlinkSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";
import type { MemoryScope } from "./scopes.ts";

/**
 * Moves a forgotten memory that no tacit history keeps (project memories live
 * in the user's repository and tacit never commits them; an uncommitted one
 * would be gone for good) into the trash folder under tacit's home, as
 * `<scope>-<name>.<time>.md`. The copy is redacted like every file tacit
 * writes. Returns where it went; copying back restores it.
 */
export function moveToTrash(options: {
  filePath: string;
  trashFolder: string;
  scope: MemoryScope;
  now: Date;
  redact: (text: string) => { text: string };
}): string {
  const text = readFileSync(options.filePath, "utf8");
  const stamp = options.now.toISOString().replace(/[:.]/g, "-");
  const name = path.basename(options.filePath, ".md");
  const target = path.join(options.trashFolder, `${options.scope}-${name}.${stamp}.md`);
  writeFileAtomic(target, options.redact(text).text);
  unlinkSync(options.filePath);
  return target;
}
