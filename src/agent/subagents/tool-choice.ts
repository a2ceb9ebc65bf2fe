import type { Tool } from "../../core/tool.ts";
import { TASK_TOOL_NAMES } from "../../tools/task.ts";

/**
 * The same tool under each model family's name (toolset.ts): an agent file written for Claude
 * Code names `Read, Grep`, and a subagent running on a GPT or Gemini model gets those tools under
 * the names its model knows.
 */
const EQUIVALENT_NAMES: readonly string[][] = [
  ["read", "read_file"],
  ["write", "write_file", "apply_patch"],
  ["edit", "multiedit", "replace", "apply_patch"],
  ["bash", "shell", "run_shell_command"],
  ["grep", "grep_files", "search_file_content"],
  ["glob"],
  ["ls", "list_dir", "list_directory"],
  ["todowrite", "update_plan", "write_todos"],
];

function namesFor(name: string): Set<string> {
  const lower = name.toLowerCase();
  const names = new Set([lower]);
  for (const group of EQUIVALENT_NAMES)
    if (group.includes(lower)) for (const other of group) names.add(other);
  return names;
}

/**
 * The tools a subagent gets: those it may have at most (the parent's, without the task tool),
 * narrowed to the names it asked for. Asking can only narrow: a name nothing matches gives nothing.
 */
export function chooseTools(available: readonly Tool[], wanted: readonly string[] | undefined): Tool[] {
  // No subagent starts subagents, whatever it was handed: the depth stays one.
  const allowed = available.filter((tool) => !TASK_TOOL_NAMES.has(tool.name));
  if (wanted === undefined) return allowed;
  const names = new Set(wanted.flatMap((name) => [...namesFor(name)]));
  return allowed.filter((tool) => names.has(tool.name.toLowerCase()));
}
