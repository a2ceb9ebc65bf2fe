import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";

/** A warning about a file: the file it is about and the line. */
interface FileWarning {
  file: string;
  text: string;
}

/** Entries kept: far more than the command files of every repository a user works in. */
const MAX_ENTRIES = 2000;
const MAX_AGE_MS = 180 * 24 * 60 * 60 * 1000;

/**
 * The warnings not shown before for the file as it is now, and remembers them:
 * a committed `.claude/commands/t.md` with `allowed-tools` would otherwise
 * repeat its "ignored" line on every `-p "/…"` and every TUI start, with no way
 * to silence it. Each is keyed by the line, the file's path and its size and
 * modification time, so an edited file (or a new reason) warns again. Kept in
 * `~/.tacit/seen-warnings.json`; an unreadable store shows everything, and a
 * failed write only means the warning comes back next time.
 */
export function unseenWarnings(
  tacitHome: string,
  warnings: readonly FileWarning[],
  now = Date.now(),
): string[] {
  if (warnings.length === 0) return [];
  const file = path.join(tacitHome, "seen-warnings.json");
  const seen = readSeen(file);
  const fresh: string[] = [];
  for (const warning of warnings) {
    const key = keyOf(warning);
    if (seen[key] === undefined) fresh.push(warning.text);
    seen[key] = now;
  }
  if (fresh.length === 0) return fresh;
  const kept = Object.entries(seen)
    .filter(([, at]) => now - at < MAX_AGE_MS)
    .sort(([, left], [, right]) => right - left)
    .slice(0, MAX_ENTRIES);
  try {
    writeFileAtomic(file, `${JSON.stringify(Object.fromEntries(kept))}\n`);
  } catch {
    // Not remembered: shown again next run, which is what happened before.
  }
  return fresh;
}

function keyOf(warning: FileWarning): string {
  const stats = statSync(warning.file, { throwIfNoEntry: false });
  const version = stats ? `${stats.size}:${stats.mtimeMs}` : "gone";
  return createHash("sha256")
    .update(`${warning.file}\0${version}\0${warning.text}`)
    .digest("hex")
    .slice(0, 32);
}

function readSeen(file: string): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
    );
  } catch {
    return {};
  }
}
