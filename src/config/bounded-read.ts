import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { isInside } from "./real-path.ts";

/** A settings or server file is a few KB; a MB is far more than any real one and little memory. */
const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** A file's bytes, or that it is not there, or why it was not read (one line naming the file). */
export type BoundedRead =
  | { state: "read"; bytes: Buffer }
  | { state: "missing" }
  | { state: "refused"; problem: string };

/**
 * Reads a file that a repository may have put in place (`.mcp.json`, its
 * settings, a script a hook names) at most `maxBytes`, and only if it is a
 * regular file: a committed link to /dev/zero, a FIFO or /dev/stdin would
 * otherwise stall the start or fill memory. Opened without blocking (a FIFO's
 * open waits for a writer), then checked with fstat on the very file opened,
 * so nothing swapped in between the check and the read is read.
 */
export function readBoundedFile(file: string, maxBytes: number = MAX_CONFIG_FILE_BYTES): BoundedRead {
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { state: "missing" };
    return { state: "refused", problem: `${file}: cannot read: ${(error as Error).message}` };
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return { state: "refused", problem: `${file}: not a regular file; not read` };
    if (stats.size > maxBytes) return { state: "refused", problem: tooLarge(file, maxBytes) };
    // One byte more than allowed tells a file that grew since fstat from one that fits.
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const count = readSync(descriptor, buffer, length, buffer.length - length, length);
      if (count === 0) break;
      length += count;
    }
    if (length > maxBytes) return { state: "refused", problem: tooLarge(file, maxBytes) };
    return { state: "read", bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { state: "refused", problem: `${file}: cannot read: ${(error as Error).message}` };
  } finally {
    closeSync(descriptor);
  }
}

/** The same, as UTF-8 text, without a leading byte-order mark (editors on Windows write one; JSON.parse refuses it). */
export function readBoundedText(
  file: string,
  maxBytes: number = MAX_CONFIG_FILE_BYTES,
): { state: "read"; text: string } | { state: "missing" } | { state: "refused"; problem: string } {
  const read = readBoundedFile(file, maxBytes);
  return read.state === "read"
    ? { state: "read", text: read.bytes.toString("utf8").replace(/^\uFEFF/, "") }
    : read;
}

/**
 * The same for a file a repository put in place, which must also be the
 * project's own: a committed link (the file's, or its folder's: `.tacit`
 * linked to ~/.tacit) leading out of the project is refused, so the user's
 * files are never read as the repository's.
 */
export function readBoundedTextInside(file: string, root: string): ReturnType<typeof readBoundedText> {
  // Read first, so what is no regular file is said as such; the bytes of a file outside are dropped.
  const read = readBoundedText(file);
  if (read.state !== "read") return read;
  let inside: boolean;
  try {
    inside = isInside(realpathSync(file), realpathSync(root));
  } catch (error) {
    return { state: "refused", problem: `${file}: cannot read: ${(error as Error).message}` };
  }
  if (!inside) return { state: "refused", problem: `${file}: a link leading outside the project; not read` };
  return read;
}

function tooLarge(file: string, maxBytes: number): string {
  return `${file}: larger than ${Math.round(maxBytes / 1024)} KB, more than a settings file holds; not read`;
}
