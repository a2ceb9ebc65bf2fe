import path from "node:path";
import { z } from "zod";
import type { FileChange, ToolContext, ToolResult } from "../core/tool.ts";
import { applyPatchOperations } from "./apply-patch/apply.ts";
import { PatchParseError, parsePatch, pathsNamedInPatch } from "./apply-patch/parse.ts";
import { checkedDisk, checkedRealPath } from "./checked-path.ts";
import { defineTool, displayPath } from "./define-tool.ts";
import { recordRead, unifiedDiff } from "./file-helpers.ts";

/** Parses and applies a Codex-format patch in context.cwd; the result lists what changed. */
export async function applyPatchText(context: ToolContext, patchText: string): Promise<ToolResult> {
  let operations: ReturnType<typeof parsePatch>;
  try {
    operations = parsePatch(patchText);
  } catch (error) {
    if (error instanceof PatchParseError) return { output: `Invalid patch: ${error.message}`, isError: true };
    throw error;
  }
  const result = await applyPatchOperations(
    operations,
    context.cwd,
    context.files ?? checkedDisk(context),
    (file) => checkedRealPath(context, file),
  );

  const summary: string[] = [];
  const diffs: string[] = [];
  const changes: FileChange[] = [];
  for (const change of result.changes) {
    const shown = displayPath(context, change.movedTo ?? change.path);
    const letter = change.kind === "add" ? "A" : change.kind === "delete" ? "D" : "M";
    summary.push(`${letter} ${shown}`);
    diffs.push(unifiedDiff(shown, change.before, change.after));
    changes.push({
      path: change.movedTo ?? change.path,
      ...(change.kind === "add" ? {} : { oldText: change.before }),
      newText: change.after,
    });
    if (change.kind !== "delete") await recordRead(context, change.movedTo ?? change.path);
  }
  const display =
    diffs.length > 0
      ? {
          kind: "diff" as const,
          path: summary.length === 1 ? summary[0]!.slice(2) : `${summary.length} files`,
          diff: diffs.join("\n"),
          changes,
        }
      : undefined;
  if (result.error !== undefined) {
    const applied =
      summary.length > 0
        ? `\nThese operations before it were applied and remain on disk:\n${summary.join("\n")}`
        : "\nNo files were changed.";
    return {
      output: `Patch failed: ${result.error}${applied}`,
      isError: true,
      ...(display ? { display } : {}),
    };
  }
  return {
    output: `Success. Updated the following files:\n${summary.join("\n")}`,
    ...(display ? { display } : {}),
  };
}

export function applyPatchPermission(context: ToolContext, patchText: string) {
  return {
    kind: "edit" as const,
    paths: pathsNamedInPatch(patchText).map((given) => path.resolve(context.cwd, given)),
  };
}

const APPLY_PATCH_DESCRIPTION = `Edit files with a patch. Format:
*** Begin Patch
*** Add File: path/new.txt
+line of the new file
*** Delete File: path/old.txt
*** Update File: path/file.py
*** Move to: path/renamed.py   (optional)
@@ def some_function():   (optional anchor line)
 context line
-removed line
+added line
*** End Patch
Give ~3 lines of context around each change; paths relative to the working directory. No line numbers.`;

export function applyPatchTool() {
  return defineTool({
    name: "apply_patch",
    description: APPLY_PATCH_DESCRIPTION,
    inputSchema: z.object({
      input: z.string().describe("The whole patch, from *** Begin Patch to *** End Patch"),
    }),
    readOnly: false,
    permission: (input, context) => applyPatchPermission(context, input.input),
    execute: (input, context) => applyPatchText(context, input.input),
  });
}
