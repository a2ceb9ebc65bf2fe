import { hiddenVariables } from "../../config/provider-keys.ts";
import type { Settings } from "../../config/settings.ts";
import { AgentHooks } from "./agent-hooks.ts";
import { loadHooks } from "./hook-config.ts";
import { HookEngine } from "./hook-engine.ts";

export interface HookSetupInput {
  home: string;
  projectRoot: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  settings: Settings;
  sessionId(): string;
  permissionMode(): string;
  warn(line: string): void;
}

/**
 * The session's hooks from every settings file, or undefined when settings
 * name none. A repository's hooks that wait for `tacit trust` are said once,
 * with how to let them run, and kept for AgentHooks.admitRepositoryHooks.
 */
export function setUpHooks(input: HookSetupInput): AgentHooks | undefined {
  const loaded = loadHooks(input.home, input.projectRoot);
  for (const warning of loaded.warnings) input.warn(warning);
  if (loaded.skipped.length > 0) {
    const events = [...new Set(loaded.skipped.map((hook) => hook.event))].join(", ");
    const count = loaded.skipped.length === 1 ? "1 hook" : `${loaded.skipped.length} hooks`;
    const why = loaded.changedSinceTrust
      ? "its settings or the files their commands name changed since you trusted it"
      : "you have not trusted this repository";
    input.warn(
      `skipped this repository's ${count} (${events}): ${why}. Run \`tacit trust\` to see its commands and let them run.`,
    );
  }
  if (loaded.hooks.length === 0 && loaded.skipped.length === 0) return undefined;
  const engine = new HookEngine({
    hooks: loaded.hooks,
    projectRoot: input.projectRoot,
    cwd: input.cwd,
    env: input.env,
    hiddenVariables: hiddenVariables(input.settings),
    sessionId: input.sessionId,
    permissionMode: input.permissionMode,
  });
  return new AgentHooks(engine, loaded.skipped);
}
