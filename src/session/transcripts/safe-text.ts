import { createHash } from "node:crypto";

/** An id fit to print, name a file and go in a commit subject: ASCII letters, digits, `.`, `_`, `-`. */
const PLAIN_ID = /^[A-Za-z0-9._-]+$/;

/**
 * A transcript's own id (Codex's session_meta id, Claude Code's sessionId, a project folder's name)
 * as tacit uses it in labels, memory sources, commit subjects and lock file names. A transcript is
 * anyone's file: an id with other characters (terminal escapes, slashes) or longer than `limit` is
 * replaced by `sha256-` and the first 32 hex digits of the SHA-256 of the id as written. The hash is
 * stable, so the import ledger still finds the session on the next run; real ids (UUIDs) are kept.
 */
export function plainId(raw: string, limit = 128): string {
  if (raw.length <= limit && PLAIN_ID.test(raw) && raw !== "." && raw !== "..") return raw;
  return `sha256-${createHash("sha256").update(raw).digest("hex").slice(0, 32)}`;
}

// C0 and C1 control characters (ESC starts every terminal escape), DEL, and the Unicode
// bidirectional overrides that make a line read differently from what it holds.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text read from a transcript (a path, a cwd) made safe to print: each control character written as an escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNPRINTABLE, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}

/** Text from someone else's file made one plain line: control characters and line breaks become spaces. */
export function plainLine(text: string): string {
  return text.replace(UNPRINTABLE, " ").replace(/\s+/g, " ").trim();
}
