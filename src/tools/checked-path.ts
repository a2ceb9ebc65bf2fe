import { writeFileAtRealPath } from "../config/atomic-write.ts";
import { readFileAtRealPath } from "../config/checked-file.ts";
import { resolveThroughLinks } from "../config/real-path.ts";
import type { TextFileAccess, ToolContext } from "../core/tool.ts";

/**
 * The file tools' one way to the disk by path: each file is read and written
 * at the real path the permission gate judged for this call
 * (ToolContext.checkedPaths), never through a link resolved again, so a link
 * swapped in after the check cannot take a Read to ~/.ssh or a Write out of
 * the project (config/checked-file.ts says how the open stays exact).
 */

/** The real path the gate judged for this path; outside the loop (no gate), where it leads now. */
export function checkedRealPath(context: Pick<ToolContext, "checkedPaths">, absolutePath: string): string {
  const judged = context.checkedPaths?.get(absolutePath);
  if (judged !== undefined) return judged;
  try {
    return resolveThroughLinks(absolutePath);
  } catch {
    return absolutePath; // a link loop: the open below fails on it
  }
}

/** A regular file's bytes, read at its checked real path. */
export async function readCheckedFile(
  context: Pick<ToolContext, "checkedPaths">,
  absolutePath: string,
): Promise<Buffer> {
  return readFileAtRealPath(checkedRealPath(context, absolutePath));
}

/** Writes a whole file atomically at its checked real path (config/atomic-write.ts writeFileAtRealPath). */
export function writeCheckedFile(
  context: Pick<ToolContext, "checkedPaths">,
  absolutePath: string,
  content: string,
): void {
  writeFileAtRealPath(checkedRealPath(context, absolutePath), content);
}

/** The disk as TextFileAccess, at the checked real paths: what apply_patch reads and writes without an editor. */
export function checkedDisk(context: Pick<ToolContext, "checkedPaths">): TextFileAccess {
  return {
    readText: async (absolutePath) => (await readCheckedFile(context, absolutePath)).toString("utf8"),
    writeText: async (absolutePath, content) => writeCheckedFile(context, absolutePath, content),
  };
}
