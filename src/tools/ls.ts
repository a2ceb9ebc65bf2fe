import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool, displayPath, resolveToolPath } from "./define-tool.ts";

const DEFAULT_LIST_LIMIT = 500;
/** Folders nobody wants listed entry by entry. */
const DEFAULT_LIST_IGNORE = [".git", "node_modules", "__pycache__", ".DS_Store"];

export interface ListRequest {
  path?: string;
  /** Glob patterns (matched against names) to leave out, besides the defaults. */
  ignore?: string[];
  /** 1 lists only the folder itself; more descends, indenting each level. */
  depth?: number;
  limit?: number;
  /** How the listing's first line names the folder; absent: its absolute path, which the tools take. */
  shownRoot?: string;
}

/** Lists a folder as an indented tree; folders end with "/". */
export async function listDirectory(context: ToolContext, request: ListRequest): Promise<ToolResult> {
  const root = resolveToolPath(context, request.path ?? ".");
  const shownRoot = displayPath(context, root);
  const rootStats = await stat(root).catch(() => undefined);
  if (!rootStats) return { output: `Folder not found: ${shownRoot}`, isError: true };
  if (!rootStats.isDirectory())
    return { output: `${shownRoot} is a file, not a folder; read it instead.`, isError: true };
  const ignored = [...DEFAULT_LIST_IGNORE, ...(request.ignore ?? [])].map((pattern) =>
    picomatch(pattern, { dot: true, basename: true }),
  );
  const limit = request.limit ?? DEFAULT_LIST_LIMIT;
  const depth = Math.max(1, request.depth ?? 1);
  const rows: string[] = [];
  let total = 0;

  const visit = async (directory: string, level: number): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return;
    }
    // Entries a `Read(...)` deny rule protects are left out, as if they were not there.
    entries = entries.filter(
      (entry) =>
        !ignored.some((matches) => matches(entry.name)) &&
        !context.isReadDenied?.(path.join(directory, entry.name)),
    );
    // Folders first, then files, each alphabetical: the usual way to scan a listing.
    entries.sort(
      (left, right) =>
        Number(right.isDirectory()) - Number(left.isDirectory()) || left.name.localeCompare(right.name),
    );
    for (const entry of entries) {
      total++;
      if (rows.length >= limit) continue;
      const isDirectory = entry.isDirectory();
      rows.push(`${"  ".repeat(level)}${entry.name}${isDirectory ? "/" : entry.isSymbolicLink() ? "@" : ""}`);
      if (isDirectory && level + 1 < depth) await visit(path.join(directory, entry.name), level + 1);
    }
  };
  await visit(root, 0);
  if (total === 0) return { output: `${shownRoot}/ is empty.` };
  let output = `${request.shownRoot ?? root}/\n${rows.join("\n")}`;
  if (total > rows.length)
    output += `\n\n(showing ${rows.length} of ${total} entries; list a subfolder or add ignore patterns)`;
  return { output };
}

const listPermission = (context: ToolContext, givenPath: string | undefined) => ({
  kind: "read" as const,
  paths: [resolveToolPath(context, givenPath ?? ".")],
});

export function claudeListTool() {
  return defineTool({
    name: "LS",
    description:
      "List a folder's entries (folders end with /). Prefer Glob and Grep when you know what to look for.",
    inputSchema: z.object({
      path: z.string().describe("Absolute path of the folder"),
      ignore: z.array(z.string()).optional().describe("Glob patterns to leave out"),
    }),
    readOnly: true,
    permission: (input, context) => listPermission(context, input.path),
    execute: (input, context) => listDirectory(context, { path: input.path, ignore: input.ignore }),
  });
}

export function gptListTool() {
  return defineTool({
    name: "list_dir",
    description: "List a folder as an indented tree (folders end with /).",
    inputSchema: z.object({
      dir_path: z.string().describe("Folder path"),
      depth: z.number().int().positive().optional().describe("Levels to descend (default 2)"),
    }),
    readOnly: true,
    permission: (input, context) => listPermission(context, input.dir_path),
    execute: (input, context) => listDirectory(context, { path: input.dir_path, depth: input.depth ?? 2 }),
  });
}

export function geminiListTool() {
  return defineTool({
    name: "list_directory",
    description: "List a folder's entries (folders end with /).",
    inputSchema: z.object({ path: z.string().describe("Absolute path of the folder") }),
    readOnly: true,
    permission: (input, context) => listPermission(context, input.path),
    execute: (input, context) => listDirectory(context, { path: input.path }),
  });
}
