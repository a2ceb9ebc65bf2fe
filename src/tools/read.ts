import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool, displayPath, resolveToolPath } from "./define-tool.ts";
import {
  hasBinaryExtension,
  looksBinary,
  missingFileMessage,
  recordRead,
  statOrUndefined,
} from "./file-helpers.ts";

export const DEFAULT_READ_LINES = 2000;
export const MAX_LINE_CHARS = 2000;

export interface ReadRequest {
  path: string;
  /** 1-based line to start at. */
  offset?: number;
  limit?: number;
}

/** Reads a text file as numbered lines (`cat -n` style), a window at a time. */
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
  const content = await readFile(absolutePath);
  if (looksBinary(content)) {
    return {
      output: `${shown} looks like a binary file (it contains NUL bytes); it cannot be read as text.`,
      isError: true,
    };
  }
  await recordRead(context, absolutePath);
  const text = content.toString("utf8");
  if (text.length === 0) return { output: `(${shown} is empty)` };
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const start = Math.max(1, request.offset ?? 1);
  const limit = Math.max(1, request.limit ?? DEFAULT_READ_LINES);
  if (start > lines.length) {
    return {
      output: `${shown} has only ${lines.length} lines; offset ${start} is past the end.`,
      isError: true,
    };
  }
  const end = Math.min(lines.length, start - 1 + limit);
  const numbered: string[] = [];
  let longLines = 0;
  for (let lineNumber = start; lineNumber <= end; lineNumber++) {
    let line = lines[lineNumber - 1]!.replace(/\r$/, "");
    if (line.length > MAX_LINE_CHARS) {
      line = `${line.slice(0, MAX_LINE_CHARS)}… [line truncated]`;
      longLines++;
    }
    numbered.push(`${String(lineNumber).padStart(6)}\t${line}`);
  }
  let output = numbered.join("\n");
  if (end < lines.length || start > 1) {
    output += `\n\n(lines ${start}-${end} of ${lines.length}`;
    output += end < lines.length ? `; use offset ${end + 1} to read more)` : ")";
  }
  if (longLines > 0) output += `\n(${longLines} long lines were cut at ${MAX_LINE_CHARS} characters)`;
  return { output };
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
