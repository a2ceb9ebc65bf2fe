import type { Command } from "commander";
import { lazyAction } from "./lazy-action.ts";

/**
 * `tacit mcp list|add|remove` and `tacit trust`. The `mcp` group is shared
 * with `tacit mcp serve|install` (connect/serve): whichever registers first
 * makes it, the other adds to it, so neither depends on the other.
 */
export function registerMcpClientCommands(program: Command): void {
  const mcpCommands = () => import("./commands/mcp.ts");
  const group =
    program.commands.find((command) => command.name() === "mcp") ??
    program.command("mcp").description("MCP: the servers tacit uses, and tacit as a server");
  group
    .command("list")
    .description("list MCP servers: where each is defined, trust, status and tools (connects to each)")
    .option("--json", "as JSON")
    .action(lazyAction(mcpCommands, (module) => module.listMcpCommand));
  group
    .command("add <name> [command...]")
    .description("add an MCP server: tacit mcp add <name> [options] -- <command> [args…], or --url for HTTP")
    .option("--scope <scope>", "user (~/.tacit/settings.json, the default) or project (.mcp.json)")
    .option("--env <K=V...>", "an environment variable for the server (repeatable)")
    .option("--url <url>", "a Streamable HTTP server instead of a command")
    .option("--header <K:V...>", "an HTTP header for --url (repeatable)")
    .action(lazyAction(mcpCommands, (module) => module.addMcpCommand));
  group
    .command("remove <name>")
    .description("remove an MCP server from your settings or the project's .mcp.json")
    .option("--scope <scope>", "only from user, project or local")
    .action(lazyAction(mcpCommands, (module) => module.removeMcpCommand));
  program
    .command("trust")
    .description("review this repository's MCP servers and hooks, and trust it to run them")
    .option("--show", "only show what would run and whether it is trusted")
    .option("--revoke", "stop trusting this repository")
    .action(
      lazyAction(
        () => import("./commands/trust.ts"),
        (module) => module.trustCommand,
      ),
    );
}
