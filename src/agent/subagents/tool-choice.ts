import type { Tool } from "../../core/tool.ts";
import { TASK_TOOL_NAMES } from "../../tools/task.ts";
import { hookToolName } from "../hooks/tool-names.ts";

/**
 * An agent file written for Claude Code names `Read, Grep`; a subagent on a GPT or Gemini model
 * gets those tools under the names its model knows. A tool matches by its own name or its Claude
 * Code name (hooks/tool-names.ts, the one table of them), plus two Claude Code names that reach
 * further: GPT writes files only with apply_patch, and MultiEdit is an Edit.
 */
const ALSO_MEANS: Record<string, string[]> = { write: ["apply_patch"], multiedit: ["edit"] };

/**
 * The tools a subagent gets: those it may have at most (the parent's, without the task tool),
 * narrowed to the names it asked for. Asking can only narrow: a name nothing matches gives nothing.
 */
export function chooseTools(available: readonly Tool[], wanted: readonly string[] | undefined): Tool[] {
  // No subagent starts subagents, whatever it was handed: the depth stays one.
  const allowed = available.filter((tool) => !TASK_TOOL_NAMES.has(tool.name));
  if (wanted === undefined) return allowed;
  const names = new Set(
    wanted.flatMap((name) => [name.toLowerCase(), ...(ALSO_MEANS[name.toLowerCase()] ?? [])]),
  );
  return allowed.filter(
    (tool) => names.has(tool.name.toLowerCase()) || names.has(hookToolName(tool.name).toLowerCase()),
  );
}
