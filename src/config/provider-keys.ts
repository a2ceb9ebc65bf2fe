import { BUILTIN_PROVIDERS } from "./builtin-providers.ts";
import type { Settings } from "./settings-schema.ts";

/** Every variable that may hold a model key tacit uses: the built-in ones and the settings' `apiKeyEnv`s. */
export function providerKeyVariables(settings: Settings): string[] {
  const custom = Object.values(settings.providers ?? {}).flatMap((entry) =>
    entry.apiKeyEnv ? [entry.apiKeyEnv] : [],
  );
  return [...new Set([...BUILTIN_PROVIDERS.flatMap((provider) => provider.keyVariables), ...custom])];
}
