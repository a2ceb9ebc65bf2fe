import path from "node:path";
import type { ToolCallLocation, ToolKind } from "@agentclientprotocol/sdk";
import { describe } from "../../agent/permission-messages.ts";
import { realPathOfNearest } from "../../agent/permission-paths.ts";
import { newToolSessionState, type PermissionSubject, type Tool } from "../../core/tool.ts";
import { parseToolInput } from "../../tools/tool-call.ts";

export interface ToolCallInfo {
  title: string;
  kind: ToolKind;
  locations: ToolCallLocation[];
}

/** Tools that search or list rather than read one file, and the todo tools: every family's names for them. */
const SEARCH_TOOLS = new Set([
  "Grep",
  "Glob",
  "LS",
  "grep_files",
  "search_file_content",
  "glob",
  "list_dir",
  "list_directory",
]);
const PLAN_TOOLS = new Set(["TodoWrite", "update_plan", "write_todos"]);

/**
 * What an editor shows for a tool call: a title, ACP's kind (its icon) and the files it touches
 * (follow-along). Read from the tool's own PermissionSubject, the one the gate judges, so what the
 * editor shows and what the gate asks about are the same thing.
 */
export function describeToolCall(
  tools: readonly Tool[],
  toolName: string,
  rawInput: unknown,
  where: { cwd: string; projectRoot: string },
): ToolCallInfo {
  const subject = subjectOf(tools, toolName, rawInput, where);
  if (!subject) return { title: toolName, kind: "other", locations: [] };
  const title = capitalised(describe(toolName, subject, where.projectRoot));
  switch (subject.kind) {
    case "read":
      return {
        title,
        kind: SEARCH_TOOLS.has(toolName) ? "search" : "read",
        locations: realLocations(subject.paths, where.projectRoot),
      };
    case "edit":
      return { title, kind: "edit", locations: realLocations(subject.paths, where.projectRoot) };
    case "bash":
      return { title, kind: "execute", locations: [] };
    case "memory":
      return { title, kind: subject.mutating ? "edit" : "read", locations: [] };
    case "mcp":
      return { title, kind: subject.readOnly ? "read" : "other", locations: [] };
    case "fetch":
      return { title, kind: "fetch", locations: [] };
    case "none":
      if (PLAN_TOOLS.has(toolName)) return { title: "Update the plan", kind: "think", locations: [] };
      return { title, kind: SEARCH_TOOLS.has(toolName) ? "search" : "other", locations: [] };
  }
}

/** The kind of a subject the gate asks about (a permission question carries the subject, not the call). */
export function kindOfSubject(subject: PermissionSubject): ToolKind {
  if (subject.kind === "read") return "read";
  if (subject.kind === "edit") return "edit";
  if (subject.kind === "bash") return "execute";
  if (subject.kind === "memory") return subject.mutating ? "edit" : "read";
  if (subject.kind === "fetch") return "fetch";
  return "other";
}

function subjectOf(
  tools: readonly Tool[],
  toolName: string,
  rawInput: unknown,
  where: { cwd: string; projectRoot: string },
): PermissionSubject | undefined {
  const tool = tools.find((candidate) => candidate.name === toolName);
  if (!tool) return undefined;
  const parsed = parseToolInput(tool, rawInput);
  if (!parsed.ok) return undefined;
  try {
    return tool.permission(parsed.input, {
      cwd: where.cwd,
      projectRoot: where.projectRoot,
      signal: AbortSignal.abort(),
      state: newToolSessionState(),
    });
  } catch {
    // A subject that cannot be worked out (a patch that does not parse) only costs the editor its icon.
    return undefined;
  }
}

/**
 * Where the paths really lead in tacit's process, as the gate judges them: the editor is another
 * process, where the model's text (/proc/self/cwd/x, a relative path) could name another file.
 */
function realLocations(paths: readonly string[], projectRoot: string): ToolCallLocation[] {
  return paths.map((given) => ({ path: realPathOfNearest(path.resolve(projectRoot, given)) }));
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
