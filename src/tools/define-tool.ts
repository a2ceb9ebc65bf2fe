import os from "node:os";
import path from "node:path";
import type { ToolSpec } from "../core/model.ts";
import { terminalSafe } from "../core/terminal-safe.ts";
import type { Tool, ToolContext } from "../core/tool.ts";
import { toolInputJsonSchema } from "./tool-json-schema.ts";

/**
 * Declares a tool typed from its schema: the input type is inferred from
 * inputSchema, so permission, readOnly and execute receive the parsed input
 * without annotations. It returns the tool itself; running a call is
 * tool-call.ts's job.
 */
export function defineTool<Input>(tool: Tool<Input>): Tool<Input> {
  return tool;
}

/** Generous enough for a long read, small enough that one call cannot flood the context. */
export const DEFAULT_MAX_OUTPUT_CHARS = 60_000;

/** Keeps the head and the tail (where errors and summaries usually are) and says how much was cut. */
export function capOutput(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const headLength = Math.floor(maxChars / 2);
  const tailLength = maxChars - headLength;
  const cut = text.length - headLength - tailLength;
  return `${text.slice(0, headLength)}\n\n… [${cut} characters cut from the middle] …\n\n${text.slice(text.length - tailLength)}`;
}

const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** The tool as the model sees it. The JSON schema is trimmed of noise that costs tokens and says nothing. */
// Tool objects do not change once made; their specs are built once, not on every request.
const specCache = new WeakMap<Tool, ToolSpec>();

export function toolSpecOf(tool: Tool): ToolSpec {
  const cached = specCache.get(tool);
  if (cached) return cached;
  const schema = tool.jsonSchema ? { ...tool.jsonSchema } : toolInputJsonSchema(tool.inputSchema);
  delete schema.$schema;
  const spec = {
    name: tool.name,
    description: tool.description,
    inputSchema: stripSafeIntegerBounds(schema),
  };
  specCache.set(tool, spec);
  return spec;
}

function stripSafeIntegerBounds(node: Record<string, unknown>): Record<string, unknown> {
  for (const key of ["minimum", "maximum"]) {
    if (typeof node[key] === "number" && SAFE_INTEGER_BOUNDS.has(node[key])) delete node[key];
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isRecord(item)) stripSafeIntegerBounds(item);
    } else if (isRecord(value)) {
      stripSafeIntegerBounds(value);
    }
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An absolute path for a path the model gave: `~` is the home folder, relative paths start at cwd. */
export function resolveToolPath(context: Pick<ToolContext, "cwd">, givenPath: string): string {
  let expanded = givenPath.trim();
  if (expanded === "~") expanded = os.homedir();
  else if (expanded.startsWith("~/")) expanded = path.join(os.homedir(), expanded.slice(2));
  return path.resolve(context.cwd, expanded);
}

/** How a path is shown back to the model: relative when inside cwd (shorter), absolute otherwise. */
export function displayPath(context: Pick<ToolContext, "cwd">, absolutePath: string): string {
  const relative = path.relative(context.cwd, absolutePath);
  if (relative === "") return ".";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return absolutePath;
  return relative;
}

/**
 * A path for a listing of one path a line: a name holding a line break (or another control
 * character, a quote or a backslash) is written quoted with its characters escaped, as git and
 * `ls` write such names, so it never reads as two files; any other name is written as it is.
 */
export function listedPath(shown: string): string {
  const escaped = terminalSafe(shown.replace(/[\\"]/g, "\\$&"));
  return escaped === shown ? shown : `"${escaped}"`;
}
