import { createHash } from "node:crypto";
import { z } from "zod";
import type { Tool, ToolResult } from "../../core/tool.ts";
import type { McpCallResult, McpToolInfo } from "./connection.ts";

/** The longest tool name every provider accepts (OpenAI's limit). */
const MAX_TOOL_NAME = 64;

/**
 * The name the model sees: `mcp__<server>__<tool>`, with characters providers
 * refuse turned into `_`, and cut to 64 with a short hash of the original
 * when longer, so two long names stay apart. Permission rules use this name.
 */
export function mcpToolName(server: string, tool: string): string {
  const prefix = `mcp__${server}__`;
  const safe = tool.replace(/[^A-Za-z0-9_-]/g, "_");
  const name = `${prefix}${safe}`;
  if (name.length <= MAX_TOOL_NAME && safe === tool) return name;
  const hash = createHash("sha256").update(tool).digest("hex").slice(0, 6);
  const room = Math.max(1, MAX_TOOL_NAME - prefix.length - hash.length - 1);
  return `${prefix}${safe.slice(0, room)}_${hash}`;
}

/**
 * Arguments are checked by the server against its own schema; here only that they are an object.
 * Made with the first MCP tool, not when the module loads: most starts have no MCP server.
 */
let argumentsSchema: z.ZodRecord<z.ZodString, z.ZodUnknown> | undefined;
function anObject(): z.ZodRecord<z.ZodString, z.ZodUnknown> {
  argumentsSchema ??= z.record(z.string(), z.unknown());
  return argumentsSchema;
}

export interface McpToolOptions {
  server: string;
  info: McpToolInfo;
  /** The server's readOnlyHint counts only when the user's own settings say so (mcp.trustReadOnlyHints). */
  trustReadOnlyHint: boolean;
  call(args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult>;
}

export function createMcpTool(options: McpToolOptions): Tool<Record<string, unknown>> {
  const { server, info } = options;
  const readOnly = options.trustReadOnlyHint && info.annotations?.readOnlyHint === true;
  return {
    name: mcpToolName(server, info.name),
    description: `${info.description?.trim() || info.annotations?.title || info.name} (MCP server "${server}")`,
    inputSchema: anObject(),
    jsonSchema: objectSchema(info.inputSchema),
    readOnly,
    permission: () => ({ kind: "mcp", server, tool: info.name, readOnly }),
    execute: async (input, context) => renderMcpResult(await options.call(input, context.signal)),
  };
}

/** Providers require an object schema at the top; a server's missing or odd one becomes an open object. */
function objectSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  if (schema && typeof schema === "object" && schema.type === "object") return schema;
  return { type: "object", properties: {}, additionalProperties: true };
}

/**
 * A result as text for the model: text blocks as they are; images, audio and
 * binary resources as one line saying what they were (their bytes would only
 * fill the context); embedded text resources with their URI; structured
 * content as JSON when no text came with it. The loop caps the length.
 */
export function renderMcpResult(result: McpCallResult): ToolResult {
  const parts: string[] = [];
  for (const block of result.content ?? []) parts.push(renderBlock(block));
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent, null, 2));
  const output = parts.join("\n") || (result.isError ? "the tool failed without saying why" : "(no output)");
  return result.isError ? { output: `Error: ${output}`, isError: true } : { output };
}

function renderBlock(block: Record<string, unknown>): string {
  const bytes = (data: unknown) => (typeof data === "string" ? Math.floor((data.length * 3) / 4) : 0);
  switch (block.type) {
    case "text":
      return String(block.text ?? "");
    case "image":
    case "audio":
      return `[${block.type}: ${String(block.mimeType ?? "unknown type")}, ${bytes(block.data)} bytes, not shown]`;
    case "resource": {
      const resource = (block.resource ?? {}) as Record<string, unknown>;
      const uri = String(resource.uri ?? "");
      if (typeof resource.text === "string") return `[resource ${uri}]\n${resource.text}`;
      return `[resource ${uri}: ${String(resource.mimeType ?? "binary")}, ${bytes(resource.blob)} bytes, not shown]`;
    }
    case "resource_link":
      return `[resource link: ${String(block.uri ?? "")}${block.name ? ` (${String(block.name)})` : ""}${block.description ? ` — ${String(block.description)}` : ""}]`;
    default:
      return `[${String(block.type ?? "unknown")} content]`;
  }
}
