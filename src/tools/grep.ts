import { stat } from "node:fs/promises";
import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool, displayPath, resolveToolPath } from "./define-tool.ts";
import { nonRegularFileMessage } from "./file-stream.ts";
import { grepWithJavaScript } from "./grep-js.ts";
import { findRipgrep, grepWithRipgrep } from "./grep-ripgrep.ts";
import type { GrepFileResult, GrepQuery } from "./grep-types.ts";

type GrepOutputMode = "content" | "files_with_matches" | "count";
export type GrepEngine = "auto" | "ripgrep" | "javascript";

export interface GrepRequest {
  pattern: string;
  path?: string;
  glob?: string;
  outputMode?: GrepOutputMode;
  caseInsensitive?: boolean;
  /** Line numbers in content mode (default on). */
  lineNumbers?: boolean;
  after?: number;
  before?: number;
  context?: number;
  /** Most output lines (content) or entries (files, count) shown. */
  headLimit?: number;
  /**
   * "auto" uses ripgrep when it is on PATH unless TACIT_NO_RIPGREP=1; tests
   * force either engine.
   */
  engine?: GrepEngine;
}

const DEFAULT_HEAD_LIMIT = { content: 500, files_with_matches: 250, count: 250 } as const;
const MAX_SHOWN_LINE_CHARS = 400;

export async function grepFiles(context: ToolContext, request: GrepRequest): Promise<ToolResult> {
  const searchPath = resolveToolPath(context, request.path ?? ".");
  const searchStats = await stat(searchPath).catch(() => undefined);
  if (!searchStats) {
    return { output: `Path not found: ${displayPath(context, searchPath)}`, isError: true };
  }
  // Named directly, a FIFO or device would hang either engine (ripgrep reads what it is given).
  const notRegular =
    !searchStats.isDirectory() && nonRegularFileMessage(searchStats, displayPath(context, searchPath));
  if (notRegular) return { output: notRegular, isError: true };
  const outputMode = request.outputMode ?? "files_with_matches";
  const query: GrepQuery = {
    pattern: request.pattern,
    searchPath,
    projectRoot: context.projectRoot,
    globs: (request.glob ?? "").split(/\s+/).filter(Boolean),
    caseInsensitive: request.caseInsensitive ?? false,
    after: Math.max(0, request.after ?? request.context ?? 0),
    before: Math.max(0, request.before ?? request.context ?? 0),
    wantLines: outputMode === "content",
    signal: context.signal,
    isReadDenied: context.isReadDenied,
    showPath: (absolutePath) => displayPath(context, absolutePath),
  };
  const engine = chooseEngine(request.engine ?? "auto");
  const result =
    engine === "javascript" ? await grepWithJavaScript(query) : await grepWithRipgrep(engine, query);
  if (!result.ok) return { output: `Search failed: ${result.error}`, isError: true };
  // What could not be searched is said, so "no matches" never hides a skipped file.
  const notes = result.notes?.length ? `\n\n${result.notes.map((note) => `(${note})`).join("\n")}` : "";
  if (result.files.length === 0) return { output: `No matches found.${notes}` };
  return { output: (await formatMatches(context, request, outputMode, result.files)) + notes };
}

/** The matches as the output mode wants them, cut at the head limit. */
async function formatMatches(
  context: ToolContext,
  request: GrepRequest,
  outputMode: GrepOutputMode,
  matchedFiles: GrepFileResult[],
): Promise<string> {
  const headLimit =
    request.headLimit && request.headLimit > 0 ? request.headLimit : DEFAULT_HEAD_LIMIT[outputMode];
  const show = (file: GrepFileResult) => displayPath(context, file.path);
  if (outputMode === "files_with_matches") {
    // Newest first, like Claude Code: recently touched files are usually the relevant ones.
    const withTimes = await Promise.all(
      matchedFiles.map(async (file) => ({
        file,
        mtime: (await stat(file.path).catch(() => undefined))?.mtimeMs ?? 0,
      })),
    );
    withTimes.sort(
      (left, right) => right.mtime - left.mtime || left.file.path.localeCompare(right.file.path),
    );
    const paths = withTimes.map((entry) => show(entry.file));
    return withLimit(`Found ${paths.length} files`, paths, headLimit);
  }
  const files = matchedFiles.toSorted((left, right) => left.path.localeCompare(right.path));
  if (outputMode === "count") {
    const total = files.reduce((sum, file) => sum + file.count, 0);
    const rows = files.map((file) => `${show(file)}:${file.count}`);
    return withLimit(`${total} matches in ${files.length} files`, rows, headLimit);
  }
  const lineNumbers = request.lineNumbers ?? true;
  const rows: string[] = [];
  for (const file of files) {
    let previous = -1;
    for (const line of file.lines) {
      if (previous !== -1 && line.lineNumber > previous + 1) rows.push("--");
      previous = line.lineNumber;
      const separator = line.isMatch ? ":" : "-";
      const text =
        line.text.length > MAX_SHOWN_LINE_CHARS
          ? `${line.text.slice(0, MAX_SHOWN_LINE_CHARS)}… [cut]`
          : line.text;
      rows.push(`${show(file)}${separator}${lineNumbers ? `${line.lineNumber}${separator}` : ""}${text}`);
    }
  }
  return withLimit("", rows, headLimit);
}

function chooseEngine(requested: GrepEngine): string | "javascript" {
  if (requested === "javascript") return "javascript";
  if (requested === "auto" && process.env.TACIT_NO_RIPGREP === "1") return "javascript";
  const ripgrep = findRipgrep();
  if (ripgrep) return ripgrep;
  if (requested === "ripgrep") throw new Error("ripgrep (rg) is not on PATH");
  return "javascript";
}

function withLimit(heading: string, rows: string[], limit: number): string {
  const shown = rows.slice(0, limit);
  let output = heading ? `${heading}\n${shown.join("\n")}` : shown.join("\n");
  if (rows.length > limit)
    output += `\n\n(showing ${limit} of ${rows.length}; narrow the search or raise head_limit)`;
  return output;
}

const searchPermission = (context: ToolContext, givenPath: string | undefined) => ({
  kind: "read" as const,
  paths: [resolveToolPath(context, givenPath ?? ".")],
});

export function claudeGrepTool() {
  return defineTool({
    name: "Grep",
    description:
      "Search file contents with a regex (ripgrep syntax), honouring .gitignore. Default output: matching file paths, newest first.",
    inputSchema: z.object({
      pattern: z.string().describe("Regular expression"),
      path: z.string().optional().describe("File or folder (default: cwd)"),
      glob: z.string().optional().describe('File filter, e.g. "*.ts" or "src/**/*.{ts,tsx}"'),
      output_mode: z
        .enum(["content", "files_with_matches", "count"])
        .optional()
        .describe("Default files_with_matches"),
      "-i": z.boolean().optional().describe("Case insensitive"),
      "-n": z.boolean().optional().describe("Line numbers (content mode; default true)"),
      "-A": z.number().int().nonnegative().optional().describe("Lines after each match"),
      "-B": z.number().int().nonnegative().optional().describe("Lines before each match"),
      "-C": z.number().int().nonnegative().optional().describe("Lines around each match"),
      head_limit: z.number().int().positive().optional().describe("Show only the first N lines/entries"),
    }),
    readOnly: true,
    permission: (input, context) => searchPermission(context, input.path),
    execute: (input, context) =>
      grepFiles(context, {
        pattern: input.pattern,
        path: input.path,
        glob: input.glob,
        outputMode: input.output_mode,
        caseInsensitive: input["-i"],
        lineNumbers: input["-n"],
        after: input["-A"],
        before: input["-B"],
        context: input["-C"],
        headLimit: input.head_limit,
      }),
  });
}

export function gptGrepTool() {
  return defineTool({
    name: "grep_files",
    description:
      "Find files whose contents match a regex, honouring .gitignore. Returns paths, newest first.",
    inputSchema: z.object({
      pattern: z.string().describe("Regular expression"),
      path: z.string().optional().describe("Folder to search (default: cwd)"),
      include: z.string().optional().describe('File glob, e.g. "*.rs"'),
      limit: z.number().int().positive().optional().describe("Most paths returned (default 100)"),
    }),
    readOnly: true,
    permission: (input, context) => searchPermission(context, input.path),
    execute: (input, context) =>
      grepFiles(context, {
        pattern: input.pattern,
        path: input.path,
        glob: input.include,
        headLimit: input.limit ?? 100,
      }),
  });
}

export function geminiGrepTool() {
  return defineTool({
    name: "search_file_content",
    description:
      "Search file contents with a regex, honouring .gitignore. Returns matching lines with file and line number.",
    inputSchema: z.object({
      pattern: z.string().describe("Regular expression"),
      path: z.string().optional().describe("Folder to search (default: cwd)"),
      include: z.string().optional().describe('File glob, e.g. "*.{ts,js}"'),
    }),
    readOnly: true,
    permission: (input, context) => searchPermission(context, input.path),
    execute: (input, context) =>
      grepFiles(context, {
        pattern: input.pattern,
        path: input.path,
        glob: input.include,
        outputMode: "content",
      }),
  });
}
