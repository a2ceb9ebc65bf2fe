import { constants, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { openAtRealPath, PathChangedError } from "../config/checked-file.ts";
import { looksBinary } from "./file-helpers.ts";

/**
 * Reading files without trusting them: a path the model names may be a device
 * (`/dev/zero` never ends), a FIFO (opening it blocks until a writer comes),
 * a socket, or a regular file of many gigabytes. Tools open files through
 * here and read them a chunk at a time, so no file can hang a tool call or
 * grow memory without bound.
 */

const CHUNK_BYTES = 64 * 1024;
/** How much of the start the binary check looks at (git and ripgrep look at the same 8 KB). */
const BINARY_PROBE_BYTES = 8192;

/**
 * Edit holds a file whole (old and new text, and a diff of them): above this
 * size it refuses, and Write shows no diff, rather than let one call take
 * gigabytes of memory and minutes of diffing.
 */
export const MAX_WHOLE_FILE_BYTES = 10 * 1024 * 1024;

/** The refusal for editing a file too big to hold whole. */
export function tooBigToEditMessage(shownPath: string, bytes: number): string {
  const megabytes = (bytes / 1024 / 1024).toFixed(1);
  return `${shownPath} is ${megabytes} MB; Edit works on files up to ${MAX_WHOLE_FILE_BYTES / 1024 / 1024} MB. Change a file this big with a command (sed, a script) instead.`;
}

/** "a FIFO (named pipe)", "a character device"…: what a non-regular file is, for one clear line. */
function kindOfNonRegularFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

/** The refusal line for a path that is not a regular file; undefined for a regular file. */
export function nonRegularFileMessage(stats: Stats, shownPath: string): string | undefined {
  const kind = kindOfNonRegularFile(stats);
  if (!kind) return undefined;
  return `${shownPath} is ${kind}, not a regular file; only regular files can be read or edited.`;
}

export type OpenedFile =
  | { ok: true; handle: FileHandle; stats: Stats }
  | { ok: false; reason: string; notFound?: boolean };

/**
 * Opens a regular file for reading. O_NONBLOCK makes opening a FIFO return at
 * once instead of waiting for a writer; fstat on the open handle (not a stat
 * before it) decides, so a path swapped between the check and the open
 * cannot slip a device through. With realPath (the real path the permission
 * gate judged), that exact file is opened, never through a link
 * (config/checked-file.ts); without it the path is opened as it leads now.
 */
export async function openRegularFile(
  absolutePath: string,
  shownPath: string,
  realPath?: string,
): Promise<OpenedFile> {
  let handle: FileHandle;
  const flags = constants.O_RDONLY | constants.O_NONBLOCK;
  try {
    handle = await (realPath === undefined ? open(absolutePath, flags) : openAtRealPath(realPath, flags));
  } catch (error) {
    if (error instanceof PathChangedError)
      return {
        ok: false,
        reason: `${shownPath} changed after it was checked (${error.detail}); nothing was read.`,
      };
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, reason: `File not found: ${shownPath}`, notFound: true };
    // A socket cannot be opened at all (ENXIO); say what it is rather than the errno.
    if (code === "ENXIO") return { ok: false, reason: `${shownPath} is a socket, not a regular file.` };
    return { ok: false, reason: `${shownPath} could not be opened: ${(error as Error).message}` };
  }
  const stats = await handle.stat();
  const refusal = nonRegularFileMessage(stats, shownPath);
  if (refusal) {
    await handle.close();
    return { ok: false, reason: refusal };
  }
  return { ok: true, handle, stats };
}

/**
 * At most maxBytes from the start of a regular file, as UTF-8 text: for files whose head is all a
 * caller wants (a manifest, a .gitignore), without ever holding more than maxBytes.
 */
export async function readRegularFilePrefix(
  absolutePath: string,
  shownPath: string,
  maxBytes: number,
): Promise<{ ok: true; text: string } | { ok: false; reason: string; notFound?: boolean }> {
  const opened = await openRegularFile(absolutePath, shownPath);
  if (!opened.ok) return opened;
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes, opened.stats.size));
    const { bytesRead } = await opened.handle.read(buffer, 0, buffer.length, 0);
    return { ok: true, text: buffer.subarray(0, bytesRead).toString("utf8") };
  } catch (error) {
    return { ok: false, reason: `${shownPath} could not be read: ${(error as Error).message}` };
  } finally {
    await opened.handle.close();
  }
}

/** True when the file's first 8 KB hold a NUL byte (read from the handle, position 0). */
export async function handleLooksBinary(handle: FileHandle): Promise<boolean> {
  const probe = Buffer.alloc(BINARY_PROBE_BYTES);
  const { bytesRead } = await handle.read(probe, 0, BINARY_PROBE_BYTES, 0);
  return looksBinary(probe.subarray(0, bytesRead));
}

export interface FileLine {
  /**
   * The line's bytes without its "\n" (a "\r" before it stays), at most maxLineBytes of them.
   * Valid until the next batch is asked for: they may share the reused read buffer.
   */
  bytes: Buffer;
  /** The whole line's length in bytes; more than bytes.length when the line was cut. */
  byteLength: number;
}

/**
 * The file's lines, in batches (one per chunk read, so a caller loops
 * synchronously over most lines). Memory stays bounded by the chunk size plus
 * maxLineBytes, however long the file or any line in it. A last line without
 * a final "\n" is a line; an empty file has none.
 */
export async function* readLineBatches(
  handle: FileHandle,
  options: { maxLineBytes: number; signal?: AbortSignal },
): AsyncGenerator<FileLine[]> {
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let position = 0;
  // The line being assembled across chunks: its first maxLineBytes bytes, and its full length.
  let pieces: Buffer[] = [];
  let keptBytes = 0;
  let lineBytes = 0;
  const keep = (piece: Buffer) => {
    lineBytes += piece.length;
    const room = options.maxLineBytes - keptBytes;
    if (room <= 0) return;
    // Copied: the line goes on in the next chunk, and the chunk buffer is reused for it.
    const kept = Buffer.from(piece.subarray(0, room));
    pieces.push(kept);
    keptBytes += kept.length;
  };
  const finishLine = (): FileLine => {
    const line = { bytes: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), byteLength: lineBytes };
    pieces = [];
    keptBytes = 0;
    lineBytes = 0;
    return line;
  };
  while (true) {
    if (options.signal?.aborted) return;
    const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const batch: FileLine[] = [];
    let start = 0;
    while (start < bytesRead) {
      const newline = chunk.indexOf(10, start);
      if (newline === -1 || newline >= bytesRead) {
        keep(chunk.subarray(start, bytesRead));
        break;
      }
      if (lineBytes === 0) {
        // The common case, a line inside one chunk: a view of the buffer, no copy.
        const length = newline - start;
        batch.push({
          bytes: chunk.subarray(start, start + Math.min(length, options.maxLineBytes)),
          byteLength: length,
        });
      } else {
        keep(chunk.subarray(start, newline));
        batch.push(finishLine());
      }
      start = newline + 1;
    }
    if (batch.length > 0) yield batch;
  }
  if (lineBytes > 0) yield [finishLine()];
}

/** A line's text: decoded, without a trailing "\r" (CRLF files read like LF ones). */
export function lineText(line: FileLine): string {
  const text = line.bytes.toString("utf8");
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
