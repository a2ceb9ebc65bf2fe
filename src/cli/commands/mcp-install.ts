import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import { UserFacingError } from "../../core/errors.ts";
import { confirm } from "../confirm.ts";
import { agentConfig, INSTALL_AGENTS, type InstallAgent, serverEntry } from "../mcp-install/agents.ts";
import { planTomlInstall } from "../mcp-install/codex-toml.ts";
import { type InstallPlan, MalformedConfigError, planJsonInstall } from "../mcp-install/json-config.ts";
import { tacitLauncher } from "../mcp-install/launcher.ts";

const SERVER_NAME = "tacit";
const SERVER_ARGS = ["mcp", "serve"];

export interface McpInstallOptions {
  yes?: boolean;
  dryRun?: boolean;
}

/**
 * `tacit mcp install <agent>`: registers `tacit mcp serve` in that agent's own
 * configuration, after showing exactly what it will write. A second run finds
 * it there and says so; a configuration file that cannot be read is left as
 * it is, with one line saying why.
 */
export async function mcpInstallCommand(agent: string, options: McpInstallOptions): Promise<void> {
  if (!(INSTALL_AGENTS as readonly string[]).includes(agent))
    throw new UserFacingError(`unknown agent "${agent}" (use ${INSTALL_AGENTS.join(", ")})`);
  const env = process.env;
  const config = agentConfig(agent as InstallAgent, env.HOME || homedir(), env);
  const command = tacitLauncher(env, process.argv[1] ?? "tacit");
  const current = readIfThere(config.file);
  let plan: InstallPlan;
  try {
    plan =
      config.format === "toml"
        ? planTomlInstall(current, SERVER_NAME, { command, args: SERVER_ARGS }, config.file)
        : planJsonInstall(
            current,
            SERVER_NAME,
            serverEntry(agent as InstallAgent, command, SERVER_ARGS),
            config.file,
          );
  } catch (error) {
    if (error instanceof MalformedConfigError) throw new UserFacingError(error.message);
    throw error;
  }
  if (plan.installed) {
    process.stdout.write(`tacit is already installed in ${config.label}'s ${config.file}\n`);
    return;
  }
  const replacing = plan.replaces ? ` (replacing ${plan.replaces})` : "";
  process.stdout.write(
    `${current === undefined ? "Create" : "Change"} ${config.file}${replacing}:\n\n${plan.shown}\n\n`,
  );
  if (options.dryRun) {
    process.stdout.write("Dry run: nothing written.\n");
    return;
  }
  if (!options.yes) {
    if (!process.stdin.isTTY)
      throw new UserFacingError("not written: no terminal to ask; run again with --yes to write it");
    if (!(await confirm(`Write it to ${config.label}'s configuration? [y/N] `))) {
      process.stdout.write("Nothing written.\n");
      return;
    }
  }
  // Read again just before writing: the agent itself may have rewritten its file while we asked.
  if (readIfThere(config.file) !== current)
    throw new UserFacingError(`${config.file} changed while asking; nothing written, run the command again`);
  writeFileAtomic(config.file, plan.text);
  process.stdout.write(
    `Installed: ${config.label} will start \`${command} mcp serve\`, which serves the memory of the project it is started in.\n`,
  );
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UserFacingError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
