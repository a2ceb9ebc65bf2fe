import { AbortedError, errorMessage, isAbortError } from "../core/errors.ts";
import type { Tool, ToolContext, ToolResult } from "../core/tool.ts";
import { capOutput, DEFAULT_MAX_OUTPUT_CHARS } from "./define-tool.ts";

/*
 * A tool call goes through two steps, in this order, each done once: the raw
 * arguments the model sent are parsed into the tool's typed input
 * (parseToolInput), and that same typed input is what the loop schedules by
 * (isReadOnlyCall), the permission gate judges and the tool runs with
 * (executeTool). Nothing downstream of the parse sees raw arguments.
 */

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

/** Whether this call only reads: the loop runs such calls alongside each other. */
export function isReadOnlyCall<Input>(tool: Tool<Input>, input: Input): boolean {
  return typeof tool.readOnly === "function" ? tool.readOnly(input) : tool.readOnly;
}

export interface ExecuteToolOptions {
  maxOutputChars?: number;
}

/**
 * Runs a tool with input parseToolInput produced, the way the loop needs it:
 * never throwing, interruptible, and with output capped. Every failure
 * becomes an isError result the model can read.
 */
export async function executeTool<Input>(
  tool: Tool<Input>,
  input: Input,
  context: ToolContext,
  options: ExecuteToolOptions = {},
): Promise<ToolResult> {
  if (context.signal.aborted) return { output: "Error: interrupted before the tool ran", isError: true };
  let result: ToolResult;
  try {
    result = await raceWithAbort(tool.execute(input, context), context.signal);
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
