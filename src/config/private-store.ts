import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
} from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/**
 * A file only the user reads: settings that may hold an `apiKey`, an MCP
 * server's Authorization header or a sync remote with its token; the database
 * of every session; the prompt history; an exported transcript; logs.
 */
export const OWNER_ONLY_FILE_MODE = 0o600;
const OWNER_ONLY_FOLDER_MODE = 0o700;

/**
 * Makes tacit's home folder (TACIT_HOME, ~/.tacit) the user's alone, creating
 * it when missing. Made by hand or by an earlier tacit under the usual umask
 * (0755), another local user could list it and read every store in it; such a
 * folder is tightened quietly, once (there is nothing to ask: no one else has
 * a reason to read it), and so are the files directly in it (settings.json,
 * tacit.db, history.jsonl…: each is the user's alone now). Only a real folder
 * this user owns is changed: a link or someone else's folder is left as it is,
 * and the stores' own 0600 files still keep their contents private.
 */
export function ensurePrivateHome(home: string): void {
  mkdirSync(home, { recursive: true, mode: OWNER_ONLY_FOLDER_MODE });
  // TACIT_HOME set to the home folder itself: its mode, and its files', are the user's business.
  if (path.resolve(home) === path.resolve(homedir())) return;
  const stats = lstatSync(home);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.() || (stats.mode & 0o077) === 0) return;
  try {
    for (const entry of readdirSync(home, { withFileTypes: true }))
      if (entry.isFile()) ensureOwnerOnlyFile(path.join(home, entry.name), { create: false });
    chmodSync(home, OWNER_ONLY_FOLDER_MODE);
  } catch {
    // A file system that keeps no modes: nothing more to do.
  }
}

/**
 * Takes the group's and others' access away from a file of this user's, and
 * with `create`, makes it empty and owner-only when missing: for stores that
 * another program creates (SQLite makes its database, and its -wal and -shm
 * with the database's mode) or appends to. Best effort: when the file cannot
 * be opened, the store's own open says why.
 */
export function ensureOwnerOnlyFile(file: string, options: { create: boolean }): void {
  let descriptor: number;
  try {
    // Non-blocking: a named pipe at the name would otherwise wait for a writer.
    const flags = options.create
      ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT
      : constants.O_RDONLY;
    descriptor = openSync(file, flags | constants.O_NONBLOCK, OWNER_ONLY_FILE_MODE);
  } catch {
    return;
  }
  try {
    const stats = fstatSync(descriptor);
    if (stats.isFile() && stats.uid === process.getuid?.() && (stats.mode & 0o077) !== 0)
      fchmodSync(descriptor, stats.mode & 0o700);
  } finally {
    closeSync(descriptor);
  }
}
