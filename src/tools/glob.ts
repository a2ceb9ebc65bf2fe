import { stat } from "node:fs/promises";
import picomatch from "picomatch";
import { z } from "zod";
import type { ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool, displayPath, listedPath, resolveToolPath } from "./define-tool.ts";
import { walkFiles } from "./walk-files.ts";

const DEFAULT_GLOB_LIMIT = 100;

export interface GlobRequest {
  pattern: string;
  path?: string;
  limit?: number;
}

/** Files matching a glob under a folder, honouring .gitignore, newest first. */
export async function globFiles(context: ToolContext, request: GlobRequest): Promise<ToolResult> {
  const root = resolveToolPath(context, request.path ?? ".");
  const rootStats = await stat(root).catch(() => undefined);
  if (!rootStats?.isDirectory())
    return { output: `Folder not found: ${displayPath(context, root)}`, isError: true };
  // A pattern that names a dot-folder (".github/**") must be able to reach it.
  const includeHidden = /(^|\/)\./.test(request.pattern);
  const matches = picomatch(request.pattern, {
    dot: includeHidden,
    basename: !request.pattern.includes("/"),
  });
  const found: Array<{ path: string; mtime: number }> = [];
  for await (const file of walkFiles(root, {
    projectRoot: context.projectRoot,
    includeHidden,
    signal: context.signal,
  })) {
    if (!matches(file.relativePath)) continue;
    if (context.isReadDenied?.(file.absolutePath)) continue;
    const stats = await stat(file.absolutePath).catch(() => undefined);
    found.push({ path: file.absolutePath, mtime: stats?.mtimeMs ?? 0 });
  }
  if (found.length === 0) return { output: "No files found." };
  found.sort((left, right) => right.mtime - left.mtime || left.path.localeCompare(right.path));
  const limit = request.limit ?? DEFAULT_GLOB_LIMIT;
  const shown = found.slice(0, limit).map((entry) => listedPath(displayPath(context, entry.path)));
  let output = shown.join("\n");
  if (found.length > limit) {
    output += `\n\n(showing the ${limit} newest of ${found.length} files; use a narrower pattern or path)`;
  }
  return { output };
}

function globTool(name: string) {
  return defineTool({
    name,
    description:
      'Find files by glob pattern (e.g. "**/*.ts", "src/**/*.{js,jsx}"), honouring .gitignore. Returns paths, newest first.',
    inputSchema: z.object({
      pattern: z.string().describe("Glob pattern"),
      path: z.string().optional().describe("Folder to search (default: cwd)"),
    }),
    readOnly: true,
    permission: (input, context) => ({
      kind: "read" as const,
      paths: [resolveToolPath(context, input.path ?? ".")],
    }),
    execute: (input, context) => globFiles(context, { pattern: input.pattern, path: input.path }),
  });
}

export const claudeGlobTool = () => globTool("Glob");
export const geminiGlobTool = () => globTool("glob");
