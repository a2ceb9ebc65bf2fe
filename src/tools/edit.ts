import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool, displayPath, resolveToolPath } from "./define-tool.ts";
import {
  looksBinary,
  missingFileMessage,
  readWholeFile,
  recordRead,
  staleReadWarning,
  statOrUndefined,
  unifiedDiff,
  writeWholeFile,
} from "./file-helpers.ts";
import { MAX_WHOLE_FILE_BYTES, nonRegularFileMessage, tooBigToEditMessage } from "./file-stream.ts";
import { editPermission } from "./write.ts";

export interface EditRequest {
  path: string;
  oldString: string;
  newString: string;
  replaceAll?: boolean;
  /** When set, the number of matches must equal it (Gemini's `expected_replacements`); all are replaced. */
  expectedReplacements?: number;
}

/** Exact string replacement in one file, refusing anything ambiguous. */
export async function editTextFile(context: ToolContext, request: EditRequest): Promise<ToolResult> {
  const absolutePath = resolveToolPath(context, request.path);
  const shown = displayPath(context, absolutePath);
  if (request.oldString === request.newString) {
    return { output: "old_string and new_string are the same; nothing to change.", isError: true };
  }
  const stats = await statOrUndefined(absolutePath);
  if (!stats) {
    const missing = await missingFileMessage(absolutePath, shown);
    const hint = request.oldString === "" ? "" : " To create a file, write it instead.";
    return { output: missing + hint, isError: true };
  }
  if (stats.isDirectory()) return { output: `${shown} is a directory, not a file.`, isError: true };
  // A FIFO or device would hang or never end the read below.
  const notRegular = nonRegularFileMessage(stats, shown);
  if (notRegular) return { output: notRegular, isError: true };
  if (stats.size > MAX_WHOLE_FILE_BYTES)
    return { output: tooBigToEditMessage(shown, stats.size), isError: true };
  const raw = await readWholeFile(context, absolutePath);
  if (looksBinary(raw)) return { output: `${shown} is a binary file; it cannot be edited.`, isError: true };
  const before = raw.toString("utf8");
  if (request.oldString === "") {
    if (before !== "") {
      return { output: `old_string is empty but ${shown} is not; give the text to replace.`, isError: true };
    }
  }
  const warning = await staleReadWarning(context, absolutePath);

  // Models write "\n"; a Windows file has "\r\n". Match in the file's own convention.
  let oldString = request.oldString;
  let newString = request.newString;
  if (before.includes("\r\n") && !oldString.includes("\r")) {
    oldString = oldString.replaceAll("\n", "\r\n");
    newString = newString.replaceAll("\n", "\r\n");
  }

  const matches = oldString === "" ? 1 : countOccurrences(before, oldString);
  if (matches === 0) {
    return {
      output: `old_string was not found in ${shown}.${closestLinesHint(before, request.oldString)}`,
      isError: true,
    };
  }
  const replaceAll = request.replaceAll === true || (request.expectedReplacements ?? 1) > 1;
  if (request.expectedReplacements !== undefined && matches !== request.expectedReplacements) {
    return {
      output: `Expected ${request.expectedReplacements} replacements but old_string occurs ${matches} times in ${shown}.`,
      isError: true,
    };
  }
  if (matches > 1 && !replaceAll) {
    return {
      output: `old_string occurs ${matches} times in ${shown}. Add surrounding lines to make it unique, or set replace_all to change every occurrence.`,
      isError: true,
    };
  }
  const after =
    oldString === ""
      ? newString
      : replaceAll
        ? before.split(oldString).join(newString)
        : replaceOnce(before, oldString, newString);
  await writeWholeFile(context, absolutePath, after);
  await recordRead(context, absolutePath);
  const count = replaceAll ? ` (${matches} replacements)` : "";
  return {
    output: `${warning}Edited ${shown}${count}.`,
    display: {
      kind: "diff",
      path: shown,
      diff: unifiedDiff(shown, before, after),
      changes: [{ path: absolutePath, oldText: before, newText: after }],
    },
  };
}

function replaceOnce(text: string, search: string, replacement: string): string {
  const index = text.indexOf(search);
  // Slicing instead of String.replace: replacement patterns like "$&" must stay literal.
  return text.slice(0, index) + replacement + text.slice(index + search.length);
}

function countOccurrences(text: string, search: string): number {
  let count = 0;
  let from = 0;
  for (;;) {
    const index = text.indexOf(search, from);
    if (index === -1) return count;
    count++;
    from = index + search.length;
  }
}

/** Shows where the first line of old_string most likely is, so the model can copy it exactly. */
function closestLinesHint(content: string, oldString: string): string {
  const wanted = oldString
    .split("\n")
    .find((line) => line.trim() !== "")
    ?.trim();
  if (!wanted) return "";
  const lines = content.split("\n");
  let bestIndex = -1;
  let bestScore = 0;
  for (let index = 0; index < lines.length && index < 20_000; index++) {
    const score = similarity(lines[index]!.trim(), wanted);
    if (score > bestScore) {
      bestScore = score;
      bestIndex = index;
    }
  }
  if (bestIndex === -1 || bestScore < 0.5) return " Read the file again and copy the text exactly.";
  const from = Math.max(0, bestIndex - 2);
  const to = Math.min(lines.length, bestIndex + 3);
  const excerpt = lines
    .slice(from, to)
    .map((line, offset) => `${String(from + offset + 1).padStart(6)}\t${line.replace(/\r$/, "")}`)
    .join("\n");
  return ` The closest match is near line ${bestIndex + 1} (whitespace and characters must match exactly):\n${excerpt}`;
}

/** Dice coefficient over character bigrams: cheap and good enough to point at a near-miss. */
function similarity(left: string, right: string): number {
  if (left === right) return 1;
  if (left.length < 2 || right.length < 2) return 0;
  const counts = new Map<string, number>();
  for (let index = 0; index < left.length - 1; index++) {
    const pair = left.slice(index, index + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  let shared = 0;
  for (let index = 0; index < right.length - 1; index++) {
    const pair = right.slice(index, index + 2);
    const count = counts.get(pair) ?? 0;
    if (count > 0) {
      counts.set(pair, count - 1);
      shared++;
    }
  }
  return (2 * shared) / (left.length + right.length - 2);
}

export function claudeEditTool() {
  return defineTool({
    name: "Edit",
    description:
      "Replace exact text in a file. old_string must match the file exactly (indentation included) and occur once, unless replace_all is set. Read the file first.",
    inputSchema: z.object({
      file_path: z.string().describe("Absolute path of the file"),
      old_string: z.string().describe("Exact text to replace"),
      new_string: z.string().describe("Replacement text"),
      replace_all: z.boolean().optional().describe("Replace every occurrence"),
    }),
    readOnly: false,
    permission: (input, context) => editPermission(context, input.file_path),
    execute: (input, context) =>
      editTextFile(context, {
        path: input.file_path,
        oldString: input.old_string,
        newString: input.new_string,
        replaceAll: input.replace_all,
      }),
  });
}

export function geminiReplaceTool() {
  return defineTool({
    name: "replace",
    description:
      "Replace exact text in a file. old_string must match exactly (include a few lines of context) and occur once, or expected_replacements times.",
    inputSchema: z.object({
      file_path: z.string().describe("Absolute path of the file"),
      old_string: z.string().describe("Exact text to replace"),
      new_string: z.string().describe("Replacement text"),
      expected_replacements: z
        .number()
        .int()
        .positive()
        .optional()
        .describe("Occurrences to replace (default 1)"),
    }),
    readOnly: false,
    permission: (input, context) => editPermission(context, input.file_path),
    execute: (input, context) =>
      editTextFile(context, {
        path: input.file_path,
        oldString: input.old_string,
        newString: input.new_string,
        expectedReplacements: input.expected_replacements,
      }),
  });
}
