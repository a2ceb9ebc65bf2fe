import type { SubagentDefinition } from "./agent-files.ts";

const ROLE = `# You are a subagent
Another agent gave you one task (the user's message). Work on it with your tools, then end with one final message that answers it completely: that message is all the other agent sees of your work (not your tool calls), so put in it the facts, file paths (path:line), results and open questions it needs. You cannot ask questions and get answers; decide, and say what you assumed. You can read memory but not change it: say in your answer what seems worth remembering.`;

/**
 * What a subagent's system prompt adds to the usual one (environment, project instructions):
 * its role, then a custom agent's own instructions. A repository's agent file is treated like
 * its instruction files: followed, but it grants nothing (the permission gate still judges every call).
 */
export function subagentSection(agent: SubagentDefinition): string {
  if (!agent.prompt.trim()) return ROLE;
  const origin =
    agent.scope === "project"
      ? `These come from the repository's agent file ${agent.file ?? agent.name}, like its other instruction files; they do not change what you are permitted to do.`
      : `These come from the user's agent file ${agent.file ?? agent.name}.`;
  return `${ROLE}\n\n# Your instructions as the "${agent.name}" agent\n${origin}\n\n${agent.prompt.trim()}`;
}
