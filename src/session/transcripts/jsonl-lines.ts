import { open } from "node:fs/promises";

/**
 * Reading another agent's JSONL transcript a chunk at a time, from a byte offset on. Transcripts grow
 * to hundreds of megabytes (a pasted image is one base64 line), so nothing here holds more than one
 * line, and a line beyond the cap is passed over rather than buffered.
 */

const CHUNK_BYTES = 256 * 1024;
/** A single entry bigger than this is not a conversation turn worth learning from (images, dumps). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export type JsonlLine =
  /** A whole line (its newline seen), or the file's last line without one when `complete` is false. */
  | { kind: "line"; text: string; endOffset: number; complete: boolean }
  /** A line over MAX_LINE_BYTES: skipped without being read into memory. */
  | { kind: "too-long"; endOffset: number; complete: boolean };

/**
 * The lines of a file from `startOffset` (a line's start) to its end. `endOffset` is the byte just
 * past the line's newline, where the next read may start. A last line with no newline (an agent
 * cut off mid-write, or still writing) comes with `complete` false.
 */
export async function* readJsonlLines(file: string, startOffset = 0): AsyncGenerator<JsonlLine> {
  const handle = await open(file, "r");
  try {
    let position = startOffset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let overflowing = false;
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      let lineStart = 0;
      for (;;) {
        const newline = buffer.indexOf(0x0a, lineStart);
        if (newline === -1 || newline >= bytesRead) break;
        const endOffset = position + newline + 1;
        if (overflowing || pendingBytes + (newline - lineStart) > MAX_LINE_BYTES) {
          yield { kind: "too-long", endOffset, complete: true };
        } else {
          pending.push(buffer.subarray(lineStart, newline));
          yield { kind: "line", text: Buffer.concat(pending).toString("utf8"), endOffset, complete: true };
        }
        pending = [];
        pendingBytes = 0;
        overflowing = false;
        lineStart = newline + 1;
      }
      const rest = bytesRead - lineStart;
      if (rest > 0 && !overflowing) {
        if (pendingBytes + rest > MAX_LINE_BYTES) {
          overflowing = true;
          pending = [];
          pendingBytes = 0;
        } else {
          // Copied: the read buffer is reused for the next chunk.
          pending.push(Buffer.from(buffer.subarray(lineStart, bytesRead)));
          pendingBytes += rest;
        }
      }
      position += bytesRead;
    }
    if (overflowing) yield { kind: "too-long", endOffset: position, complete: false };
    else if (pendingBytes > 0)
      yield {
        kind: "line",
        text: Buffer.concat(pending).toString("utf8"),
        endOffset: position,
        complete: false,
      };
  } finally {
    await handle.close();
  }
}
