import type { Settings } from "./settings-schema.ts";

/** The built-in providers and the environment variables their API keys come from (any one of them). */
export const BUILT_IN_PROVIDER_KEYS: ReadonlyArray<{ provider: string; variables: string[] }> = [
  { provider: "anthropic", variables: ["ANTHROPIC_API_KEY"] },
  { provider: "openai", variables: ["OPENAI_API_KEY"] },
  { provider: "google", variables: ["GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"] },
  { provider: "openrouter", variables: ["OPENROUTER_API_KEY"] },
];

/** Every variable that may hold a model key tacit uses: the built-in ones and the settings' `apiKeyEnv`s. */
export function providerKeyVariables(settings: Settings): string[] {
  const custom = Object.values(settings.providers ?? {}).flatMap((entry) =>
    entry.apiKeyEnv ? [entry.apiKeyEnv] : [],
  );
  return [...new Set([...BUILT_IN_PROVIDER_KEYS.flatMap((entry) => entry.variables), ...custom])];
}
