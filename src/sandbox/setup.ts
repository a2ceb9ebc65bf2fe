import { providerKeyVariables } from "../config/provider-keys.ts";
import type { Settings } from "../config/settings-schema.ts";
import { type SandboxAvailability, sandboxAvailability } from "./availability.ts";
import { type CommandSandbox, createCommandSandbox } from "./command-sandbox.ts";
import { resolveSandboxPolicy, type SandboxPolicy } from "./policy.ts";

export interface SandboxSetup {
  /** Absent when the settings turn the sandbox off or the machine has none. */
  sandbox?: CommandSandbox;
  /** sandbox.autoAllow, in force only when there is a sandbox. */
  autoAllow: boolean;
  /** Said once at start when a sandbox was wanted but this machine cannot make one. */
  notice?: string;
  /** One line for /permissions: what the sandbox is doing in this run. */
  summary: string;
}

export interface SandboxSetupInput {
  settings: Settings;
  projectRoot: string;
  tacitHome: string;
  env: NodeJS.ProcessEnv;
  /** For tests; defaults to probing this machine (once per process). */
  availability?: SandboxAvailability;
}

/** The sandbox a run's shell tools use, from settings and what this machine can do. */
export async function setUpSandbox(input: SandboxSetupInput): Promise<SandboxSetup> {
  const settings = input.settings.sandbox ?? {};
  const mode = settings.mode ?? "workspace-write";
  if (mode === "off") return { autoAllow: false, summary: "Sandbox: off (sandbox.mode in settings)" };
  // Resolved on the first shell command, not here: it runs git and walks the project for
  // nested repositories, which a run that never uses the shell should not wait for.
  const policy = (): SandboxPolicy => {
    const resolved = resolveSandboxPolicy({
      settings: input.settings.sandbox,
      projectRoot: input.projectRoot,
      tacitHome: input.tacitHome,
      env: input.env,
      // A command has no use for tacit's model keys; with them it could print one into a file or the chat.
      keyVariables: providerKeyVariables(input.settings),
    });
    if (!resolved) throw new Error("the sandbox policy is off although the settings turn it on");
    return resolved;
  };
  const availability = input.availability ?? (await sandboxAvailability(input.env));
  if (!availability.available) {
    return {
      autoAllow: false,
      summary: `Sandbox: unavailable (${availability.reason}); shell commands ask`,
      notice: `no sandbox for shell commands: ${availability.reason}. Commands run unsandboxed and ask as usual (run tacit doctor; set "sandbox": {"mode": "off"} to silence this).`,
    };
  }
  const autoAllow = settings.autoAllow !== false;
  const network = settings.network === true ? "network on" : "network off";
  const asking = autoAllow ? "commands no rule covers run without asking" : "commands ask as usual";
  return {
    sandbox: createCommandSandbox(policy, availability, { mode, network: settings.network === true }),
    autoAllow,
    summary: `Sandbox: ${availability.kind}, ${mode}, ${network}; ${asking}`,
  };
}
