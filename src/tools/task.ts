import { z } from "zod";
import type { ModelInfo } from "../core/model.ts";
import type { PermissionSubject, Tool, ToolContext, ToolResult } from "../core/tool.ts";
import { defineTool } from "./define-tool.ts";

/** What a task call asks for, the same for every family (the runner lives in agent/subagents/). */
export interface TaskRequest {
  /** A few words the user sees (the TUI's line). */
  description: string;
  /** The task: the subagent's first and only user message. */
  prompt: string;
  /** Which agent (default general-purpose). */
  agentType?: string;
  /** Another model for this run (a reference or sonnet|opus|haiku), resolved like --model. */
  model?: string;
}

export interface TaskToolOptions {
  /** The agents a call may name (name and one-line description each), listed in the tool's description. */
  agents: ReadonlyArray<{ name: string; description: string; tools?: string[] }>;
  run(request: TaskRequest, context: ToolContext): Promise<ToolResult>;
}

const NOTHING: PermissionSubject = { kind: "none" };

function agentList(options: TaskToolOptions): string {
  return options.agents
    .map(
      (agent) =>
        `- ${agent.name}: ${agent.description}${agent.tools ? ` (tools: ${agent.tools.join(", ")})` : ""}`,
    )
    .join("\n");
}

function describe(options: TaskToolOptions, call: string, typeField: string): string {
  return `Start a subagent: a separate agent with its own fresh context and tools that works on one task and returns its final answer as this tool's result. Use it for broad searches and investigations whose intermediate output you do not need, or independent pieces of work. Several ${call} calls in one message run in parallel. The subagent sees none of this conversation: give it a complete, self-contained task and say exactly what it should report back. It can read memory but not change it, and cannot start subagents itself.

Agents (${typeField}):
${agentList(options)}`;
}

const modelField = z
  .string()
  .optional()
  .describe(
    "Another model for the subagent (a model reference, or sonnet|opus|haiku); default: the agent's own or yours",
  );

/**
 * One family's task tool: its name and schema, and how its fields map onto a request. Every
 * subagent's own calls are judged by the gate, so starting one touches nothing by itself; calls
 * of one message run together (`concurrent`).
 */
function taskTool<Input>(
  options: TaskToolOptions,
  spec: {
    name: string;
    typeField: string;
    inputSchema: z.ZodType<Input>;
    request(input: Input): TaskRequest;
  },
): Tool<Input> {
  return defineTool({
    name: spec.name,
    description: describe(options, spec.name, spec.typeField),
    inputSchema: spec.inputSchema,
    readOnly: false,
    concurrent: true,
    permission: () => NOTHING,
    execute: (input, context) => options.run(spec.request(input), context),
  });
}

const optional = (key: "agentType" | "model", value: string | undefined) => (value ? { [key]: value } : {});

const labelField = z.string().optional().describe("A short (3-5 word) label the user sees");

/** Claude Code's Task tool, as Claude models were trained on it. */
const claudeTask = (options: TaskToolOptions) =>
  taskTool(options, {
    name: "Task",
    typeField: "subagent_type",
    inputSchema: z.object({
      description: z.string().describe("A short (3-5 word) description of the task"),
      prompt: z.string().describe("The task for the agent to perform"),
      subagent_type: z.string().optional().describe("The type of agent to use (default general-purpose)"),
      model: modelField,
    }),
    request: (input) => ({
      description: input.description,
      prompt: input.prompt,
      ...optional("agentType", input.subagent_type),
      ...optional("model", input.model),
    }),
  });

/** Codex's spawn_agent (message, agent_type): GPT models know it from Codex's multi-agent tools. */
const gptSpawnAgent = (options: TaskToolOptions) =>
  taskTool(options, {
    name: "spawn_agent",
    typeField: "agent_type",
    inputSchema: z.object({
      message: z.string().describe("The task for the agent: complete and self-contained"),
      agent_type: z.string().optional().describe("Which agent (default general-purpose)"),
      description: labelField,
      model: modelField,
    }),
    request: (input) => ({
      description: input.description?.trim() || firstWords(input.message),
      prompt: input.message,
      ...optional("agentType", input.agent_type),
      ...optional("model", input.model),
    }),
  });

/** Gemini CLI's delegate_to_agent (agent_name and the agent's objective). */
const geminiDelegate = (options: TaskToolOptions) =>
  taskTool(options, {
    name: "delegate_to_agent",
    typeField: "agent_name",
    inputSchema: z.object({
      agent_name: z.string().optional().describe("Which agent (default general-purpose)"),
      objective: z.string().describe("The task for the agent: complete and self-contained"),
      description: labelField,
      model: modelField,
    }),
    request: (input) => ({
      description: input.description?.trim() || firstWords(input.objective),
      prompt: input.objective,
      ...optional("agentType", input.agent_name),
      ...optional("model", input.model),
    }),
  });

/** The task tool under the name and schema the model's family knows. */
export function createTaskTool(family: ModelInfo["family"], options: TaskToolOptions): Tool {
  if (family === "gpt") return gptSpawnAgent(options);
  if (family === "gemini") return geminiDelegate(options);
  return claudeTask(options);
}

/** The task tool's names in every family: a subagent's tools never include one (no nesting). */
export const TASK_TOOL_NAMES: ReadonlySet<string> = new Set(["Task", "spawn_agent", "delegate_to_agent"]);

function firstWords(text: string): string {
  const words = text.trim().split(/\s+/).slice(0, 6).join(" ");
  return words.length > 60 ? `${words.slice(0, 59)}…` : words;
}
