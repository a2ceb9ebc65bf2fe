import type { PermissionGate } from "../agent/permission-gate.ts";
import type { SubagentDefinition } from "../agent/subagents/agent-files.ts";
import { createSubagentRunner, type SubagentFileHooks } from "../agent/subagents/runner.ts";
import { subagentSection } from "../agent/subagents/subagent-prompt.ts";
import type { ToolCallHooks } from "../agent/tool-calls.ts";
import type { ModelClient } from "../core/model.ts";
import type { TextFileAccess, Tool } from "../core/tool.ts";
import { createTaskTool } from "../tools/task.ts";

export interface SubagentWiring {
  agents: readonly SubagentDefinition[];
  parentModel(): ModelClient;
  resolve(ref: string): ModelClient;
  /** The session's tools for a model with memory read-only, the task tool not among them. */
  subagentToolsFor(model: ModelClient): Tool[];
  /** The session's system prompt for a model, with these sections added. */
  systemPromptFor(model: ModelClient, sections: string[]): string;
  gate: PermissionGate;
  /** The session's tool hooks and file access, which a subagent's calls go through as the parent's do. */
  toolHooks?: ToolCallHooks;
  files?: TextFileAccess;
  /** The session's checkpoint and edit-record hooks: a subagent's writes belong to the parent's turn. */
  parentFileHooks?(): SubagentFileHooks;
  cwd: string;
  projectRoot: string;
}

/**
 * The task tool for a model's family, wired to one runner: subagents run on the session's gate,
 * with the session's tools narrowed as their agent asks, and the session's system prompt plus their role.
 */
export function taskToolFactory(wiring: SubagentWiring): (model: ModelClient) => Tool {
  const run = createSubagentRunner({
    agents: wiring.agents,
    parentModel: wiring.parentModel,
    resolve: wiring.resolve,
    toolsFor: wiring.subagentToolsFor,
    systemPromptFor: (model, agent) => wiring.systemPromptFor(model, [subagentSection(agent)]),
    gate: wiring.gate,
    ...(wiring.toolHooks ? { toolHooks: wiring.toolHooks } : {}),
    ...(wiring.files ? { files: wiring.files } : {}),
    ...(wiring.parentFileHooks ? { parentFileHooks: wiring.parentFileHooks } : {}),
    cwd: wiring.cwd,
    projectRoot: wiring.projectRoot,
  });
  return (model) => createTaskTool(model.info.family, { agents: wiring.agents, run });
}
