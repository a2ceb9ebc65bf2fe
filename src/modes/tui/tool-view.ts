import type { ToolDisplay } from "../../core/tool.ts";
import { wrapText } from "./markdown.ts";
import { type SubagentProgress, subagentSummary } from "./subagent-progress.ts";
import { outsideText, type Theme, truncate } from "./theme.ts";

/** One tool call as the transcript shows it. */
export interface ToolView {
  toolCallId: string;
  toolName: string;
  input: unknown;
  startedAt: number;
  status: "running" | "done" | "error" | "denied";
  durationMs?: number;
  output?: string;
  display?: ToolDisplay;
  deniedReason?: string;
  /** A task call's subagent: what it is doing now and has done (subagent-progress.ts). */
  subagent?: SubagentProgress;
}

export const SPINNER_FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

const KEY_ARGUMENTS = [
  "file_path",
  "absolute_path",
  "dir_path",
  "path",
  "filePath",
  "command",
  "cmd",
  "pattern",
  "query",
  "url",
  "notebook_path",
  "name",
  "description",
  "prompt",
  // spawn_agent's and delegate_to_agent's task, when the model gave no short description.
  "message",
  "objective",
];

/** The one argument that says what a call does: the path, the command, the pattern. */
export function keyArgument(input: unknown, cwd: string = process.cwd()): string {
  if (typeof input === "string") return patchFiles(input) ?? input;
  if (!input || typeof input !== "object") return "";
  const record = input as Record<string, unknown>;
  // Codex's apply_patch: the files a patch touches say more than its first line.
  if (typeof record.input === "string") {
    const files = patchFiles(record.input);
    if (files) return files;
  }
  // Searches: the pattern is what matters, the folder says where.
  if (typeof record.pattern === "string" && record.pattern.trim() !== "") {
    const where = typeof record.path === "string" && record.path ? ` in ${shortPath(record.path, cwd)}` : "";
    return record.pattern + where;
  }
  for (const key of KEY_ARGUMENTS) {
    const value = record[key];
    if (typeof value === "string" && value.trim() !== "") {
      return PATH_ARGUMENTS.has(key) ? shortPath(value, cwd) : value;
    }
    if (Array.isArray(value) && value.every((part) => typeof part === "string")) return value.join(" ");
  }
  return "";
}

const PATH_ARGUMENTS = new Set(["file_path", "absolute_path", "dir_path", "path", "notebook_path"]);

/** A path inside the working directory, shown relative to it (the way the user thinks of it). */
function shortPath(value: string, cwd: string): string {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

function patchFiles(text: string): string | undefined {
  if (!text.trimStart().startsWith("*** Begin Patch")) return undefined;
  const files = [...text.matchAll(/^\s*\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((match) =>
    match[1]!.trim(),
  );
  return files.length > 0 ? files.join(", ") : undefined;
}

export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.max(0, Math.round(milliseconds))}ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)}s`;
  const minutes = Math.floor(milliseconds / 60_000);
  return `${minutes}m${Math.round((milliseconds % 60_000) / 1000)}s`;
}

/** The single status line: icon, tool, key argument (cut to fit), time. */
export function toolLine(view: ToolView, width: number, theme: Theme, now: number, spinnerFrame = 0): string {
  const elapsed = view.status === "running" ? now - view.startedAt : (view.durationMs ?? 0);
  const icon =
    view.status === "running"
      ? theme.paint("accent", SPINNER_FRAMES[spinnerFrame % SPINNER_FRAMES.length]!)
      : view.status === "done"
        ? theme.paint("green", "✓")
        : theme.paint("red", "✗");
  const time = ` ${formatDuration(elapsed)}`;
  const summary = outcomeSummary(view);
  const argument = outsideText(keyArgument(view.input).replace(/\s*\n\s*/g, " ⏎ "));
  const fixedWidth = 2 + view.toolName.length + 1 + time.length + (summary ? summary.length + 3 : 0);
  const room = Math.max(8, width - fixedWidth - 1);
  const shown = argument ? ` ${truncate(argument, room)}` : "";
  return `${icon} ${theme.paint("bold", view.toolName)}${shown}${theme.paint("gray", time)}${summary ? theme.paint("gray", ` · ${summary}`) : ""}`;
}

function outcomeSummary(view: ToolView): string {
  // The reason (the user's own words, or the rule) goes under the line, whole: see toolDetail.
  if (view.status === "denied") return "denied";
  if (view.subagent) return subagentSummary(view.subagent, view.status === "running");
  if (view.status === "running") return "";
  const display = view.display;
  if (display?.kind === "diff") {
    let added = 0;
    let removed = 0;
    for (const line of display.diff.split("\n")) {
      if (line.startsWith("+") && !line.startsWith("+++")) added++;
      else if (line.startsWith("-") && !line.startsWith("---")) removed++;
    }
    return `+${added} -${removed}`;
  }
  if (display?.kind === "command" && display.exitCode !== null && display.exitCode !== 0)
    return `exit ${display.exitCode}`;
  if (view.status === "error" && view.output)
    return truncate(outsideText(view.output.split("\n")[0] ?? ""), 50);
  return "";
}

/** The lines under a finished call: a coloured diff, a command's tail, a checklist. */
export function toolDetail(view: ToolView, theme: Theme, width: number, expanded: boolean): string[] {
  const display = view.display;
  const room = Math.max(10, width - 4);
  const cut = (text: string) => truncate(outsideText(text.replace(/\t/g, "  ")), room);
  let lines: string[] = [];
  if (view.status === "denied") {
    // Wrapped, not cut: the user's reason comes last in the gate's sentence.
    lines = wrapText(outsideText(view.deniedReason ?? "").trim(), room)
      .filter((line) => line.trim() !== "")
      .slice(0, 4)
      .map((line) => theme.paint("yellow", line));
  } else if (display?.kind === "diff") {
    lines = renderDiff(display.diff, theme, room);
  } else if (display?.kind === "command") {
    const tail = display.tail.replace(/\s+$/, "");
    let tailLines = tail === "" ? ["(no output)"] : tail.split("\n");
    if (!expanded) tailLines = tailLines.slice(-6);
    lines = tailLines.map((line) => theme.paint("gray", cut(line)));
  } else if (display?.kind === "todos") {
    lines = display.items.map((item) =>
      item.status === "completed"
        ? `${theme.paint("green", "☒")} ${theme.paint(["gray", "strike"], cut(item.content))}`
        : item.status === "in_progress"
          ? `${theme.paint("accent", "◐")} ${theme.paint("bold", cut(item.content))}`
          : `☐ ${cut(item.content)}`,
    );
  } else if (expanded && view.output) {
    lines = view.output.split("\n").map((line) => theme.paint("gray", cut(line)));
  } else if (view.status === "error" && view.output) {
    lines = view.output
      .split("\n")
      .slice(0, 3)
      .map((line) => theme.paint("red", cut(line)));
  }
  if (lines.length === 0) return [];
  const limit = expanded ? Number.POSITIVE_INFINITY : 12;
  const hidden = lines.length - limit;
  if (hidden > 0)
    lines = [...lines.slice(0, limit), theme.paint("gray", `… ${hidden} more lines (ctrl+o to expand)`)];
  return lines.map((line, index) => (index === 0 ? theme.paint("gray", "  ⎿ ") : "    ") + line);
}

/** Diff lines coloured: additions green, removals red, hunk headers cyan; file headers dropped. */
export function renderDiff(diff: string, theme: Theme, width = Number.POSITIVE_INFINITY): string[] {
  const output: string[] = [];
  for (const rawLine of diff.replace(/\n$/, "").split("\n")) {
    if (/^(\+\+\+|---|Index:|====|diff --git)/.test(rawLine)) continue;
    const line = truncate(outsideText(rawLine.replace(/\t/g, "  ")), width);
    if (line.startsWith("+")) output.push(theme.paint("green", line));
    else if (line.startsWith("-")) output.push(theme.paint("red", line));
    else if (line.startsWith("@@")) output.push(theme.paint("cyan", line));
    else output.push(theme.paint("gray", line));
  }
  return output;
}
