import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool, displayPath, resolveToolPath } from "./define-tool.ts";
import {
  readWholeFile,
  recordRead,
  staleReadWarning,
  statOrUndefined,
  unifiedDiff,
  writeWholeFile,
} from "./file-helpers.ts";
import { MAX_WHOLE_FILE_BYTES, nonRegularFileMessage } from "./file-stream.ts";

/** Writes a whole file atomically, creating folders; says whether it was created or overwritten. */
export async function writeTextFile(
  context: ToolContext,
  givenPath: string,
  content: string,
): Promise<ToolResult> {
  const absolutePath = resolveToolPath(context, givenPath);
  const shown = displayPath(context, absolutePath);
  const stats = await statOrUndefined(absolutePath);
  if (stats?.isDirectory()) return { output: `${shown} is a directory; give a file path.`, isError: true };
  // A FIFO or device would hang or never end the read of what is there now.
  const notRegular = stats && nonRegularFileMessage(stats, shown);
  if (notRegular) return { output: notRegular, isError: true };
  // The old text is read only for the diff; a huge file gets none (see MAX_WHOLE_FILE_BYTES).
  const diffable = !stats || (stats.size <= MAX_WHOLE_FILE_BYTES && content.length <= MAX_WHOLE_FILE_BYTES);
  const before = stats && diffable ? (await readWholeFile(context, absolutePath)).toString("utf8") : "";
  const warning = stats ? await staleReadWarning(context, absolutePath) : "";
  await writeWholeFile(context, absolutePath, content);
  await recordRead(context, absolutePath);
  const lineCount = content === "" ? 0 : content.split("\n").length - (content.endsWith("\n") ? 1 : 0);
  const verb = stats ? "Overwrote" : "Created";
  return {
    output: `${warning}${verb} ${shown} (${lineCount} lines).`,
    ...(diffable
      ? {
          display: {
            kind: "diff" as const,
            path: shown,
            diff: unifiedDiff(shown, before, content),
            changes: [{ path: absolutePath, ...(stats ? { oldText: before } : {}), newText: content }],
          },
        }
      : {}),
  };
}

const editPermission = (context: ToolContext, givenPath: string) => ({
  kind: "edit" as const,
  paths: [resolveToolPath(context, givenPath)],
});

export function claudeWriteTool() {
  return defineTool({
    name: "Write",
    description:
      "Write a file (creates folders; overwrites an existing file). Prefer Edit for changes to existing files.",
    inputSchema: z.object({
      file_path: z.string().describe("Absolute path of the file"),
      content: z.string().describe("The whole new content"),
    }),
    readOnly: false,
    permission: (input, context) => editPermission(context, input.file_path),
    execute: (input, context) => writeTextFile(context, input.file_path, input.content),
  });
}

export function geminiWriteTool() {
  return defineTool({
    name: "write_file",
    description:
      "Write a file (creates folders; overwrites an existing file). Prefer replace for small changes.",
    inputSchema: z.object({
      file_path: z.string().describe("Absolute path of the file"),
      content: z.string().describe("The whole new content"),
    }),
    readOnly: false,
    permission: (input, context) => editPermission(context, input.file_path),
    execute: (input, context) => writeTextFile(context, input.file_path, input.content),
  });
}

export { editPermission };
