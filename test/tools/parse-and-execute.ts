import type { Tool, ToolContext, ToolResult } from "../../src/core/tool.ts";
import { executeTool, parseToolInput } from "../../src/tools/tool-call.ts";

/**
 * A call the way the loop makes one, without the permission gate: the raw
 * arguments are parsed once and a parse failure is the error result the model
 * would get. For tests of one tool's behaviour.
 */
export async function parseAndExecute(
  tool: Tool,
  rawInput: unknown,
  context: ToolContext,
): Promise<ToolResult> {
  const parsed = parseToolInput(tool, rawInput);
  if (!parsed.ok) return { output: parsed.error, isError: true };
  return executeTool(tool, parsed.input, context);
}
