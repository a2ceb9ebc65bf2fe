import type { Message } from "../../core/messages.ts";
import { readJsonlLines } from "./jsonl-lines.ts";
import { isRecord, type TranscriptConverter } from "./transcript-types.ts";

/** A part of a transcript read into messages. */
export interface TranscriptBatch {
  messages: Message[];
  /** The byte where the next read starts: past the last line read whole. */
  endOffset: number;
  /** Lines read in this batch (the position moved past them). */
  lines: number;
  /** Lines that were not JSON, had the wrong shape, were cut off or too long: skipped, in this batch. */
  skipped: number;
  /** The id of the last entry read (Claude Code's uuid, Codex's item id or timestamp). */
  lastEntryId: string | undefined;
}

export interface ReadTranscriptOptions {
  /** A line's start: where an earlier run stopped. */
  startOffset?: number;
  /** A batch is handed over once it holds this many characters, so a huge session is learned in parts. */
  batchChars?: number;
}

const DEFAULT_BATCH_CHARS = 400_000;

/**
 * Reads a transcript from `startOffset` to its end in batches of messages. A line that is not JSON or
 * has the wrong shape is skipped and counted, and the reading goes on: nothing after it is lost. The
 * last line without a newline, when it does not parse, is an entry still being written or cut off:
 * counted, and the position stays before it, so a later run reads it once it is whole. The last
 * batch is always yielded, empty or not, so the caller learns where the file ended.
 */
export async function* readTranscript(
  file: string,
  converter: TranscriptConverter,
  options: ReadTranscriptOptions = {},
): AsyncGenerator<TranscriptBatch> {
  const batchChars = options.batchChars ?? DEFAULT_BATCH_CHARS;
  let batch = emptyBatch(options.startOffset ?? 0);
  for await (const line of readJsonlLines(file, options.startOffset ?? 0)) {
    const entry = line.kind === "line" ? parseEntry(line.text) : undefined;
    const blank = line.kind === "line" && line.text.trim() === "";
    if (blank) {
      if (line.complete) batch.endOffset = line.endOffset;
      continue;
    }
    const accepted = entry !== undefined && converter.accept(entry);
    if (!accepted) batch.skipped += 1;
    if (!accepted && !line.complete) continue;
    batch.endOffset = line.endOffset;
    batch.lines += 1;
    if (entry) batch.lastEntryId = entryId(entry) ?? batch.lastEntryId;
    if (converter.heldChars >= batchChars) {
      yield { ...batch, messages: converter.take() };
      batch = emptyBatch(batch.endOffset);
    }
  }
  yield { ...batch, messages: converter.take() };
}

function emptyBatch(startOffset: number): Omit<TranscriptBatch, "messages"> {
  return { endOffset: startOffset, lines: 0, skipped: 0, lastEntryId: undefined };
}

function parseEntry(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function entryId(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.uuid === "string") return entry.uuid;
  if (isRecord(entry.payload) && typeof entry.payload.id === "string") return entry.payload.id;
  return typeof entry.timestamp === "string" ? entry.timestamp : undefined;
}

/**
 * The first value `pick` finds in a transcript's opening lines (the session's cwd, its id), reading
 * no further than `maxLines`: the header of a session, not the session.
 */
export async function firstInTranscript<T>(
  file: string,
  pick: (entry: Record<string, unknown>) => T | undefined,
  maxLines = 200,
): Promise<T | undefined> {
  let seen = 0;
  for await (const line of readJsonlLines(file)) {
    if (line.kind === "line") {
      const entry = parseEntry(line.text);
      const found = entry ? pick(entry) : undefined;
      if (found !== undefined) return found;
    }
    seen += 1;
    if (seen >= maxLines) return undefined;
  }
  return undefined;
}
