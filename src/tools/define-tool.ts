import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { AbortedError, errorMessage, isAbortError } from "../core/errors.ts";
import type { ToolSpec } from "../core/model.ts";
import type { PermissionSubject, Tool, ToolContext, ToolResult } from "../core/tool.ts";

export interface ToolDefinition<Schema extends z.ZodType> {
  name: string;
  description: string;
  inputSchema: Schema;
  readOnly: boolean;
  permission(input: z.output<Schema>, context: ToolContext): PermissionSubject;
  execute(input: z.output<Schema>, context: ToolContext): Promise<ToolResult>;
}

/** One wrapper for every tool, so each is declared the same way and typed from its schema. */
export function defineTool<Schema extends z.ZodType>(
  definition: ToolDefinition<Schema>,
): Tool<z.output<Schema>> {
  return {
    name: definition.name,
    description: definition.description,
    inputSchema: definition.inputSchema as unknown as z.ZodType<z.output<Schema>>,
    readOnly: definition.readOnly,
    permission: definition.permission,
    execute: definition.execute,
  };
}

/** Generous enough for a long read, small enough that one call cannot flood the context. */
export const DEFAULT_MAX_OUTPUT_CHARS = 60_000;

export type ParsedToolInput<Input> = { ok: true; input: Input } | { ok: false; error: string };

/**
 * Validates raw model arguments. The error names each bad field and what was
 * expected, so the model can correct itself on the next try.
 */
export function parseToolInput<Input>(tool: Tool<Input>, rawInput: unknown): ParsedToolInput<Input> {
  // Some models send the arguments as a JSON string instead of an object.
  let candidate = rawInput;
  if (typeof candidate === "string") {
    try {
      candidate = JSON.parse(candidate);
    } catch {
      // Leave it as is: zod will report that an object was expected.
    }
  }
  if (candidate === undefined || candidate === null) candidate = {};
  const result = tool.inputSchema.safeParse(candidate);
  if (result.success) return { ok: true, input: result.data };
  const lines = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(arguments)";
    return `- ${field}: ${issue.message}`;
  });
  return { ok: false, error: `Invalid arguments for ${tool.name}:\n${lines.join("\n")}` };
}

export interface RunToolOptions {
  maxOutputChars?: number;
}

/**
 * Runs one tool call the way the loop needs it: validated, never throwing,
 * interruptible, and with output capped. Every failure becomes an isError
 * result the model can read.
 */
export async function runTool(
  tool: Tool,
  rawInput: unknown,
  context: ToolContext,
  options: RunToolOptions = {},
): Promise<ToolResult> {
  if (context.signal.aborted) return { output: "Error: interrupted before the tool ran", isError: true };
  const parsed = parseToolInput(tool, rawInput);
  if (!parsed.ok) return { output: parsed.error, isError: true };
  let result: ToolResult;
  try {
    result = await raceWithAbort(tool.execute(parsed.input, context), context.signal);
  } catch (error) {
    if (isAbortError(error) || context.signal.aborted) {
      return { output: "Error: interrupted by the user", isError: true };
    }
    return { output: `Error: ${errorMessage(error)}`, isError: true };
  }
  const output = capOutput(result.output, options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS);
  return { ...result, output };
}

function raceWithAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Keeps the head and the tail (where errors and summaries usually are) and says how much was cut. */
export function capOutput(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const headLength = Math.floor(maxChars / 2);
  const tailLength = maxChars - headLength;
  const cut = text.length - headLength - tailLength;
  return `${text.slice(0, headLength)}\n\n… [${cut} characters cut from the middle] …\n\n${text.slice(text.length - tailLength)}`;
}

/** Keeps only the tail: for command output, where the end matters most. */
export function capOutputTail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.length - maxChars;
  return `[${cut} earlier characters cut; showing the last ${maxChars}]\n${text.slice(cut)}`;
}

const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** The tool as the model sees it. The JSON schema is trimmed of noise that costs tokens and says nothing. */
// Tool objects do not change once made; their specs are built once, not on every request.
const specCache = new WeakMap<Tool, ToolSpec>();

export function toolSpecOf(tool: Tool): ToolSpec {
  const cached = specCache.get(tool);
  if (cached) return cached;
  const schema = z.toJSONSchema(tool.inputSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
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
