import path from "node:path";
import type { PermissionSubject } from "../../core/tool.ts";

/**
 * Hooks are written for Claude Code's tool names (`Bash`, `Edit|Write`), but
 * tacit gives each model family the tools under the names it was trained on
 * (tools/toolset.ts): GPT's `shell`, Gemini's `run_shell_command`. A hook sees
 * every tool under its Claude Code name, so one matcher covers every family.
 * Names not listed (Claude's own, `mcp__server__tool`, `Task`) are already
 * Claude Code's and pass through.
 */
const CLAUDE_CODE_NAMES: Record<string, string> = {
  shell: "Bash",
  run_shell_command: "Bash",
  read_file: "Read",
  write_file: "Write",
  replace: "Edit",
  // A patch edits, adds or deletes files: formatters and guards matching Edit must see it.
  apply_patch: "Edit",
  grep_files: "Grep",
  search_file_content: "Grep",
  glob: "Glob",
  list_dir: "LS",
  list_directory: "LS",
  update_plan: "TodoWrite",
  write_todos: "TodoWrite",
  // The task tool (tools/task.ts) under Codex's and Gemini CLI's names.
  spawn_agent: "Task",
  delegate_to_agent: "Task",
  web_fetch: "WebFetch",
};

export function hookToolName(toolName: string): string {
  return CLAUDE_CODE_NAMES[toolName] ?? toolName;
}

/**
 * The tool's input as a hook sees it: the input the tool runs with, plus the
 * fields Claude Code's hooks read, filled from what the permission gate
 * judges (so they are what will really run): `command` as one string for a
 * shell tool (GPT's is an argument list), and `file_path`, absolute, for a
 * Read, Write or Edit of one file.
 */
export function hookToolInput(
  hookName: string,
  input: unknown,
  subject: PermissionSubject | undefined,
  cwd: string,
): Record<string, unknown> {
  const base: Record<string, unknown> =
    typeof input === "object" && input !== null && !Array.isArray(input)
      ? { ...(input as Record<string, unknown>) }
      : { input };
  if (subject?.kind === "bash") base.command = subject.command;
  if (
    (hookName === "Read" || hookName === "Write" || hookName === "Edit") &&
    (subject?.kind === "read" || subject?.kind === "edit") &&
    subject.paths.length >= 1
  ) {
    base.file_path = path.resolve(cwd, subject.paths[0]!);
  }
  return base;
}
