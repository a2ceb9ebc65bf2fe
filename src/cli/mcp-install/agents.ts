import path from "node:path";

export const INSTALL_AGENTS = ["claude-code", "codex", "cursor", "gemini"] as const;
export type InstallAgent = (typeof INSTALL_AGENTS)[number];

/** Where each agent keeps its user-level MCP servers, and in which format. */
export interface AgentConfig {
  label: string;
  file: string;
  format: "json" | "toml";
}

/** Every path is under the home folder given (tests pass a temporary HOME); Codex honours CODEX_HOME as Codex does. */
export function agentConfig(agent: InstallAgent, home: string, env: NodeJS.ProcessEnv): AgentConfig {
  switch (agent) {
    case "claude-code":
      // User scope: servers available in every project (`claude mcp add --scope user` writes the same key).
      return { label: "Claude Code", file: path.join(home, ".claude.json"), format: "json" };
    case "codex":
      return {
        label: "Codex",
        file: path.join(env.CODEX_HOME || path.join(home, ".codex"), "config.toml"),
        format: "toml",
      };
    case "cursor":
      return { label: "Cursor", file: path.join(home, ".cursor", "mcp.json"), format: "json" };
    case "gemini":
      return { label: "Gemini CLI", file: path.join(home, ".gemini", "settings.json"), format: "json" };
  }
}

/** The server entry in the agent's own shape. */
export function serverEntry(agent: InstallAgent, command: string, args: string[]): Record<string, unknown> {
  // Claude Code records the transport of user-scope servers explicitly; the others infer stdio from `command`.
  return agent === "claude-code" ? { type: "stdio", command, args, env: {} } : { command, args };
}
