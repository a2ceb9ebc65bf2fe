import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { checkedRealPath } from "./checked-path.ts";
import { defineTool, displayPath, resolveToolPath } from "./define-tool.ts";
import { hasBinaryExtension, missingFileMessage, recordRead, statOrUndefined } from "./file-helpers.ts";
import {
  type FileLine,
  handleLooksBinary,
  lineText,
  openRegularFile,
  readLineBatches,
} from "./file-stream.ts";

const DEFAULT_READ_LINES = 2000;
const MAX_LINE_CHARS = 2000;
/** Characters of numbered lines one read returns at most (about 25k tokens): a window, never a whole huge file. */
export const MAX_READ_OUTPUT_CHARS = 100_000;
/**
 * Past the window, lines are still counted (for "lines 1-2000 of 5312") in a
 * file up to this size; a bigger one is not scanned to its end just to count.
 */
const COUNT_ALL_LINES_BYTES = 16 * 1024 * 1024;
// UTF-8 takes at most four bytes a character: this many bytes always hold MAX_LINE_CHARS characters.
const MAX_LINE_BYTES = MAX_LINE_CHARS * 4;

export interface ReadRequest {
  path: string;
  /** 1-based line to start at. */
  offset?: number;
  limit?: number;
  /** Characters of numbered lines to return at most (MAX_READ_OUTPUT_CHARS when absent): an attachment's smaller window. */
  maxChars?: number;
}

/**
 * Reads a text file as numbered lines (`cat -n` style), a window at a time.
 * The file is streamed: reading stops once the window (lines, or characters
 * of output) is full, so a file of any size costs the same.
 */
export async function readTextFile(context: ToolContext, request: ReadRequest): Promise<ToolResult> {
  const absolutePath = resolveToolPath(context, request.path);
  const shown = displayPath(context, absolutePath);
  const stats = await statOrUndefined(absolutePath);
  if (!stats) return { output: await missingFileMessage(absolutePath, shown), isError: true };
  if (stats.isDirectory()) {
    return {
      output: `${shown} is a directory, not a file: use the list tool to see its contents.`,
      isError: true,
    };
  }
  if (hasBinaryExtension(absolutePath)) {
    return {
      output: `${shown} is a binary file (by its extension); it cannot be read as text.`,
      isError: true,
    };
  }
  if (context.files) {
    // The editor's buffer (unsaved changes included), numbered the same way as the disk's lines.
    const text = await context.files.readText(absolutePath, checkedRealPath(context, absolutePath));
    if (text.slice(0, 8192).includes("\0")) return binaryRefusal(shown);
    await recordRead(context, absolutePath);
    return numberedWindow(shown, request, textLineBatches(text), Buffer.byteLength(text), context.signal);
  }
  const opened = await openRegularFile(absolutePath, shown, checkedRealPath(context, absolutePath));
  if (!opened.ok) return { output: opened.reason, isError: true };
  try {
    if (await handleLooksBinary(opened.handle)) return binaryRefusal(shown);
    await recordRead(context, absolutePath);
    const lines = readLineBatches(opened.handle, { maxLineBytes: MAX_LINE_BYTES, signal: context.signal });
    return await numberedWindow(shown, request, lines, opened.stats.size, context.signal);
  } finally {
    await opened.handle.close();
  }
}

function binaryRefusal(shown: string): ToolResult {
  return {
    output: `${shown} looks like a binary file (it contains NUL bytes); it cannot be read as text.`,
    isError: true,
  };
}

/** Text already in memory as the line batches readLineBatches gives (a last line without "\n" is a line). */
async function* textLineBatches(text: string): AsyncGenerator<FileLine[]> {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  yield lines.map((line) => {
    const bytes = Buffer.from(line, "utf8");
    return { bytes: bytes.subarray(0, MAX_LINE_BYTES), byteLength: bytes.length };
  });
}

/** The requested window of lines, numbered, with a note on where it sits in the file. */
async function numberedWindow(
  shown: string,
  request: ReadRequest,
  batches: AsyncIterable<FileLine[]>,
  fileBytes: number,
  signal: AbortSignal,
): Promise<ToolResult> {
  const start = Math.max(1, request.offset ?? 1);
  const limit = Math.max(1, request.limit ?? DEFAULT_READ_LINES);
  const maxChars = Math.min(request.maxChars ?? MAX_READ_OUTPUT_CHARS, MAX_READ_OUTPUT_CHARS);
  const countAll = fileBytes <= COUNT_ALL_LINES_BYTES;
  const numbered: string[] = [];
  let outputChars = 0;
  let lineNumber = 0;
  let longLines = 0;
  let cutByOutputCap = false;
  // The first line past the window, once one is known to exist.
  let nextUnread: number | undefined;
  reading: for await (const batch of batches) {
    if (signal.aborted) break;
    for (const line of batch) {
      lineNumber++;
      if (lineNumber < start || nextUnread !== undefined) continue;
      let text = lineText(line);
      if (text.length > MAX_LINE_CHARS || line.byteLength > line.bytes.length) {
        text = `${text.slice(0, MAX_LINE_CHARS)}… [line truncated]`;
        longLines++;
      }
      const row = `${String(lineNumber).padStart(6)}\t${text}`;
      const overCap = numbered.length > 0 && outputChars + row.length + 1 > maxChars;
      if (numbered.length >= limit || overCap) {
        cutByOutputCap = overCap && numbered.length < limit;
        nextUnread = lineNumber;
        if (!countAll) break reading;
        continue;
      }
      numbered.push(row);
      outputChars += row.length + 1;
    }
  }
  const totalLines = nextUnread === undefined || countAll ? lineNumber : undefined;
  if (lineNumber === 0) return { output: `(${shown} is empty)` };
  if (numbered.length === 0) {
    return {
      output: `${shown} has only ${lineNumber} lines; offset ${start} is past the end.`,
      isError: true,
    };
  }
  return {
    output:
      numbered.join("\n") +
      windowNote({
        start,
        shownLines: numbered.length,
        totalLines,
        nextUnread,
        fileBytes,
        cutByOutputCap,
        maxChars,
        longLines,
      }),
  };
}

/** Where the window sits in the file and how to read on; empty when the whole file was shown. */
interface WindowFacts {
  start: number;
  shownLines: number;
  /** Undefined when the file was too big to count to its end. */
  totalLines: number | undefined;
  /** The first line after the window, when there is one. */
  nextUnread: number | undefined;
  fileBytes: number;
  cutByOutputCap: boolean;
  /** The window's cap on characters of output, named in the note when it cut the window short. */
  maxChars: number;
  longLines: number;
}

function windowNote(facts: WindowFacts): string {
  const { start, totalLines, nextUnread, longLines } = facts;
  const end = start + facts.shownLines - 1;
  let note = "";
  if (nextUnread !== undefined || start > 1) {
    const of =
      totalLines === undefined
        ? `of a ${formatBytes(facts.fileBytes)} file, which goes on`
        : `of ${totalLines}`;
    const why = facts.cutByOutputCap ? `, cut at ${facts.maxChars} characters of output` : "";
    note += `\n\n(lines ${start}-${end} ${of}${why}`;
    note += nextUnread === undefined ? ")" : `; use offset ${nextUnread} to read more)`;
  }
  if (longLines > 0) note += `\n(${longLines} long lines were cut at ${MAX_LINE_CHARS} characters)`;
  return note;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

const readPermission = (context: ToolContext, givenPath: string) => ({
  kind: "read" as const,
  paths: [resolveToolPath(context, givenPath)],
});

const offsetField = z.number().int().optional();
const limitField = z.number().int().positive().optional();

export function claudeReadTool() {
  return defineTool({
    name: "Read",
    description:
      "Read a text file. Returns numbered lines (cat -n). Reads up to 2000 lines; use offset (1-based line) and limit for more. Read a file before editing it.",
    inputSchema: z.object({
      file_path: z.string().describe("Absolute path of the file"),
      offset: offsetField.describe("Line to start at (1-based)"),
      limit: limitField.describe("Number of lines"),
    }),
    readOnly: true,
    permission: (input, context) => readPermission(context, input.file_path),
    execute: (input, context) =>
      readTextFile(context, { path: input.file_path, offset: input.offset, limit: input.limit }),
  });
}

export function gptReadTool() {
  return defineTool({
    name: "read_file",
    description:
      "Read a text file with numbered lines. Up to 2000 lines; offset (1-based) and limit select a window.",
    inputSchema: z.object({
      file_path: z.string().describe("Path of the file"),
      offset: offsetField.describe("Line to start at (1-based)"),
      limit: limitField.describe("Number of lines"),
    }),
    readOnly: true,
    permission: (input, context) => readPermission(context, input.file_path),
    execute: (input, context) =>
      readTextFile(context, { path: input.file_path, offset: input.offset, limit: input.limit }),
  });
}

export function geminiReadTool() {
  return defineTool({
    name: "read_file",
    description:
      "Read a text file with numbered lines. Up to 2000 lines; offset (0-based line) and limit select a window.",
    inputSchema: z.object({
      absolute_path: z.string().describe("Absolute path of the file"),
      offset: offsetField.describe("Line to start at (0-based)"),
      limit: limitField.describe("Number of lines"),
    }),
    readOnly: true,
    permission: (input, context) => readPermission(context, input.absolute_path),
    execute: (input, context) =>
      readTextFile(context, {
        path: input.absolute_path,
        offset: input.offset === undefined ? undefined : input.offset + 1,
        limit: input.limit,
      }),
  });
}
