import type { Command } from "commander";
import { lazyAction } from "../lazy-action.ts";

/**
 * `tacit mcp serve` and `tacit mcp install <agent>`: tacit's memory offered to
 * other agents. Registered under the `tacit mcp` group, which also holds the
 * commands for the MCP servers tacit itself uses.
 */
export function registerMcpServerCommands(mcp: Command): void {
  mcp
    .command("serve")
    .description("serve tacit's memory over MCP on stdio, for the project in the current directory")
    .action(
      lazyAction(
        () => import("./mcp-serve.ts"),
        (module) => () => module.mcpServeCommand(),
      ),
    );
  mcp
    .command("install <agent>")
    .description(
      "register `tacit mcp serve` in an agent's own configuration: claude-code, codex, cursor or gemini",
    )
    .option("-y, --yes", "write without asking")
    .option("--dry-run", "show what would be written, write nothing")
    .action(
      lazyAction(
        () => import("./mcp-install.ts"),
        (module) => (agent: string, options: import("./mcp-install.ts").McpInstallOptions) =>
          module.mcpInstallCommand(agent, options),
      ),
    );
}
