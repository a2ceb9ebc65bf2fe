import { BUILTIN_PROVIDERS } from "./builtin-providers.ts";
import type { Settings } from "./settings-schema.ts";

/**
 * Every variable that may hold a model key: the built-in ones, those the SDKs
 * read on their own (ANTHROPIC_AUTH_TOKEN, GOOGLE_API_KEY), and the settings'
 * `apiKeyEnv`s. Sandboxed commands never see any of them.
 */
export function providerKeyVariables(settings: Settings): string[] {
  const custom = Object.values(settings.providers ?? {}).flatMap((entry) =>
    entry.apiKeyEnv ? [entry.apiKeyEnv] : [],
  );
  return [
    ...new Set([
      ...BUILTIN_PROVIDERS.flatMap((provider) => [...provider.keyVariables, ...provider.sdkKeyVariables]),
      ...custom,
    ]),
  ];
}

/**
 * What no command a repository names (its MCP servers, its hooks) may be
 * handed: the model keys and the variables `sandbox.hiddenEnv` lists.
 */
export function hiddenVariables(settings: Settings): string[] {
  return [...new Set([...providerKeyVariables(settings), ...(settings.sandbox?.hiddenEnv ?? [])])];
}
