/**
 * The one record of what tacit knows about each built-in provider. Everything
 * that names a provider's variables, wire or default model reads it here: the
 * resolver (providers/resolve.ts), the default model (cli/bootstrap.ts), the
 * /model list (cli/tui-host.ts), `tacit doctor`, the sandbox's key stripping
 * (provider-keys.ts) and the rules for repository settings
 * (provider-trust.ts). It sits in config/ because config is the lowest layer
 * that reads it. Adding a provider is adding an entry here, and a case in
 * resolve.ts only when it brings a new wire.
 */

/** How a request reaches a provider: which SDK package speaks to it. */
export type Wire = "anthropic" | "openai-responses" | "google" | "openai-chat";

/**
 * How a base URL (from its variable, the default, or a settings entry under
 * the provider's name) becomes the SDK's base URL:
 * - "versioned": `path` is appended unless the URL already ends with it
 *   (Anthropic's SDK wants ".../v1"; users write the bare host). The only
 *   form also applied to a settings entry's baseURL.
 * - "origin": `path` is appended to a bare origin only; a URL with a path is kept.
 * - "as-is": the URL is used as written (trailing slashes dropped).
 * - "ollama-host": the variable is OLLAMA_HOST ("host", "host:port" or a URL),
 *   and `path` is appended to the host it names.
 */
type BaseURLForm = "versioned" | "origin" | "as-is" | "ollama-host";

export interface BuiltinProvider {
  name: string;
  wire: Wire;
  baseURL: {
    /** The environment variable that moves the provider (a proxy, another host). */
    variable: string;
    /** Where requests go when the variable is unset. */
    fallback: string;
    form: BaseURLForm;
    path?: string;
  };
  /**
   * The variables tacit reads the key from, in order of preference: the first
   * one set is used; when none is, the last (the SDK's own name) is the one
   * error messages name. Empty for a server on the user's machine, which needs no key.
   */
  keyVariables: readonly string[];
  /**
   * Variables the provider's SDK would read a key from on its own, beside
   * keyVariables: tacit never passes them, but a provider defined in a
   * repository's settings may not read them either.
   */
  sdkKeyVariables: readonly string[];
  /** A server on the user's own machine: it needs no key, and its tokens cost nothing. */
  local: boolean;
  /** The model used when nothing names one and this provider's key is set (earlier providers first). */
  defaultModel?: string;
  /** The catalog family this provider serves under its own name: /model lists them when its key is set. */
  family?: "claude" | "gpt" | "gemini";
}

export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  {
    name: "anthropic",
    wire: "anthropic",
    baseURL: {
      variable: "ANTHROPIC_BASE_URL",
      fallback: "https://api.anthropic.com",
      form: "versioned",
      path: "/v1",
    },
    keyVariables: ["ANTHROPIC_API_KEY"],
    sdkKeyVariables: ["ANTHROPIC_AUTH_TOKEN"],
    local: false,
    defaultModel: "claude-sonnet-5",
    family: "claude",
  },
  {
    name: "openai",
    wire: "openai-responses",
    baseURL: { variable: "OPENAI_BASE_URL", fallback: "https://api.openai.com", form: "origin", path: "/v1" },
    keyVariables: ["OPENAI_API_KEY"],
    sdkKeyVariables: [],
    local: false,
    defaultModel: "gpt-5.5",
    family: "gpt",
  },
  {
    name: "google",
    wire: "google",
    baseURL: {
      variable: "GOOGLE_GEMINI_BASE_URL",
      fallback: "https://generativelanguage.googleapis.com",
      form: "origin",
      path: "/v1beta",
    },
    keyVariables: ["GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"],
    sdkKeyVariables: ["GOOGLE_API_KEY"],
    local: false,
    defaultModel: "gemini-3.8-flash",
    family: "gemini",
  },
  {
    name: "ollama",
    wire: "openai-chat",
    baseURL: {
      variable: "OLLAMA_HOST",
      fallback: "http://127.0.0.1:11434",
      form: "ollama-host",
      path: "/v1",
    },
    keyVariables: [],
    sdkKeyVariables: [],
    local: true,
  },
  {
    name: "openrouter",
    wire: "openai-chat",
    baseURL: { variable: "OPENROUTER_BASE_URL", fallback: "https://openrouter.ai/api/v1", form: "as-is" },
    keyVariables: ["OPENROUTER_API_KEY"],
    sdkKeyVariables: [],
    local: false,
  },
  {
    name: "lmstudio",
    wire: "openai-chat",
    baseURL: {
      variable: "LMSTUDIO_BASE_URL",
      fallback: "http://127.0.0.1:1234",
      form: "origin",
      path: "/v1",
    },
    keyVariables: [],
    sdkKeyVariables: [],
    local: true,
  },
];

/** The built-in provider of that name (lower-case), or undefined. */
export function builtinProvider(name: string): BuiltinProvider | undefined {
  return BUILTIN_PROVIDERS.find((provider) => provider.name === name);
}

/** "provider/model-id" of the default model: the first provider with a key set, else the first provider's. */
export function builtinDefaultModelRef(env: Record<string, string | undefined>): string {
  const withDefault = BUILTIN_PROVIDERS.filter((provider) => provider.defaultModel);
  const chosen = withDefault.find((provider) => hasKey(provider, env)) ?? withDefault[0]!;
  return `${chosen.name}/${chosen.defaultModel}`;
}

/** Whether one of the provider's key variables is set to a non-empty value. */
export function hasKey(provider: BuiltinProvider, env: Record<string, string | undefined>): boolean {
  return provider.keyVariables.some((variable) => env[variable]);
}
