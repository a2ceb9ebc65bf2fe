import { BUILTIN_PROVIDERS, type BuiltinProvider, builtinProvider } from "../config/builtin-providers.ts";
import { ConfigError } from "../core/errors.ts";
import type { ModelClient, ModelInfo } from "../core/model.ts";
import { type AiSdkClientOptions, createAiSdkClient } from "./ai-sdk-client.ts";
import { lookupModel } from "./catalog.ts";
import { type Effort, effortProviderOptions, mergeProviderOptions } from "./effort.ts";
import { type Endpoint, languageModelAt } from "./endpoint.ts";
import { type RetryOptions, resolveRetryOptions } from "./retry.ts";

export type Environment = Record<string, string | undefined>;

/** An endpoint named in settings, usable as `--model <name>/<model-id>`. */
export interface CustomProviderSettings {
  baseURL: string;
  /** The env var holding the key (better than apiKey, which sits in a file). */
  apiKeyEnv?: string;
  apiKey?: string;
  /** Chat Completions (the default) or the OpenAI Responses API. */
  api?: "chat" | "responses";
  models?: Record<string, { contextWindow?: number; maxOutputTokens?: number }>;
}

export interface ResolveOptions {
  env?: Environment;
  providers?: Record<string, CustomProviderSettings>;
  retry?: RetryOptions;
  /** The reasoning effort to ask for (providers/effort.ts); absent: the provider's default. */
  effort?: Effort;
  /** Told the one line saying an effort was ignored (a model without reasoning). */
  onNotice?: (line: string) => void;
  /**
   * Whether the model takes images when the user's settings or its provider say so (cli/model-resolver.ts);
   * undefined leaves the catalog's word.
   */
  acceptsImages?: (target: { provider: string; modelId: string; baseURL: string }) => boolean | undefined;
}

/** Splits "provider/model-id"; the id may hold slashes of its own (openrouter/anthropic/claude-sonnet-4.5). */
export function parseModelRef(ref: string): { provider: string; modelId: string } {
  const trimmed = ref.trim();
  const slash = trimmed.indexOf("/");
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new ConfigError(
      `a model must be named provider/model-id (e.g. anthropic/claude-sonnet-5), got "${ref}"`,
    );
  }
  return { provider: trimmed.slice(0, slash).toLowerCase(), modelId: trimmed.slice(slash + 1) };
}

/** Where a model ref leads, before any SDK is loaded: exported for tests and diagnostics. */
export interface ResolvedTarget {
  info: ModelInfo;
  endpoint: Endpoint;
}

export function resolveTarget(ref: string, options: ResolveOptions = {}): ResolvedTarget {
  const env = options.env ?? process.env;
  const providers = options.providers ?? {};
  const { provider, modelId } = parseModelRef(ref);
  const custom = providers[provider];
  const builtin = builtinProvider(provider);
  const endpoint = builtin
    ? builtinEndpoint(builtin, env, custom)
    : custom
      ? customEndpoint(provider, custom, env)
      : unknownProvider(provider, providers);
  const info = modelInfo(provider, modelId, custom);
  const images = options.acceptsImages?.({ provider, modelId, baseURL: endpoint.baseURL });
  if (images !== undefined) info.acceptsImages = images;
  return { info, endpoint };
}

/**
 * Turns "provider/model-id" into a ready ModelClient. Throws ConfigError for an
 * unknown provider or a missing key. Loads no SDK code: that happens at the
 * first request, so `tacit --help` stays fast.
 */
export function resolveModel(ref: string, options: ResolveOptions = {}): ModelClient {
  const env = options.env ?? process.env;
  const { info, endpoint } = resolveTarget(ref, options);
  const providerKey = providerKeyOf(endpoint, info.provider);
  // We send the whole history each time; keep no conversation state on OpenAI's side.
  const base = endpoint.wire === "openai-responses" ? { openai: { store: false } } : undefined;
  const effort = options.effort
    ? effortProviderOptions(options.effort, endpoint.wire, info, providerKey)
    : undefined;
  if (effort?.notice) options.onNotice?.(effort.notice);
  const providerOptions = mergeProviderOptions(base, effort?.providerOptions);
  const clientOptions: AiSdkClientOptions = {
    info,
    loadModel: () => languageModelAt(endpoint, info.provider, info.modelId),
    providerKey,
    promptCaching: endpoint.wire === "anthropic",
    finishSignalled: endpoint.wire !== "openai-chat",
    retry: resolveRetryOptions(env, options.retry),
    ...(endpoint.keyEnv ? { keyEnv: endpoint.keyEnv } : {}),
    ...(providerOptions ? { providerOptions: providerOptions as AiSdkClientOptions["providerOptions"] } : {}),
  };
  return createAiSdkClient(clientOptions);
}

function unknownProvider(provider: string, providers: Record<string, CustomProviderSettings>): never {
  const known = [...BUILTIN_PROVIDERS.map((builtin) => builtin.name), ...Object.keys(providers)].join(", ");
  throw new ConfigError(
    `unknown provider "${provider}"; known providers: ${known} (add others under "providers" in settings)`,
  );
}

function modelInfo(provider: string, modelId: string, custom: CustomProviderSettings | undefined): ModelInfo {
  const info = lookupModel(provider, modelId);
  const overrides = custom?.models?.[modelId];
  if (overrides?.contextWindow) info.contextWindow = overrides.contextWindow;
  if (overrides?.maxOutputTokens) info.maxOutputTokens = overrides.maxOutputTokens;
  return info;
}

function builtinEndpoint(
  provider: BuiltinProvider,
  env: Environment,
  custom?: CustomProviderSettings,
): Endpoint {
  const endpoint = builtinDefaults(provider, env);
  if (!custom) return requireKey(provider, endpoint);
  // A settings entry under a built-in name moves it (a proxy, another host) but keeps its wire format.
  const keyEnv = custom.apiKeyEnv ?? endpoint.keyEnv;
  const apiKey = custom.apiKey ?? (custom.apiKeyEnv ? nonEmpty(env[custom.apiKeyEnv]) : endpoint.apiKey);
  const { form, path } = provider.baseURL;
  return requireKey(provider, {
    wire: endpoint.wire,
    baseURL:
      form === "versioned" && path ? withVersionSuffix(custom.baseURL, path) : trimSlash(custom.baseURL),
    ...(apiKey ? { apiKey } : {}),
    ...(keyEnv ? { keyEnv } : {}),
  });
}

/** The endpoint the provider's record and its variables describe. */
function builtinDefaults(provider: BuiltinProvider, env: Environment): Endpoint {
  const { variable, fallback } = provider.baseURL;
  const endpoint: Endpoint = {
    wire: provider.wire,
    baseURL: completeBaseURL(nonEmpty(env[variable]) ?? fallback, provider.baseURL),
  };
  const variables = provider.keyVariables;
  if (variables.length === 0) return endpoint;
  const keyEnv = variables.find((name) => nonEmpty(env[name])) ?? variables[variables.length - 1]!;
  const apiKey = nonEmpty(env[keyEnv]);
  return { ...endpoint, keyEnv, ...(apiKey ? { apiKey } : {}) };
}

/** A base URL as the SDK wants it, by the provider's form (see BaseURLForm). */
function completeBaseURL(url: string, { form, path = "" }: BuiltinProvider["baseURL"]): string {
  switch (form) {
    case "versioned":
      return withVersionSuffix(url, path);
    case "origin":
      return withDefaultPath(url, path);
    case "ollama-host":
      return `${ollamaHost(url)}${path}`;
    case "as-is":
      return trimSlash(url);
  }
}

/** A provider that reads a key (every one but the local servers) needs one. */
function requireKey(provider: BuiltinProvider, endpoint: Endpoint): Endpoint {
  const [first, ...others] = provider.keyVariables;
  if (first !== undefined && !endpoint.apiKey) {
    const hint = others.length > 0 ? `${first} (or ${others.join(" or ")})` : endpoint.keyEnv;
    throw new ConfigError(`no API key for ${provider.name}: set ${hint}`);
  }
  return endpoint;
}

function customEndpoint(provider: string, custom: CustomProviderSettings, env: Environment): Endpoint {
  if (typeof custom.baseURL !== "string" || custom.baseURL.trim() === "") {
    throw new ConfigError(`provider "${provider}" in settings needs a baseURL`);
  }
  let apiKey = nonEmpty(custom.apiKey);
  if (custom.apiKeyEnv) {
    apiKey = nonEmpty(env[custom.apiKeyEnv]) ?? apiKey;
    if (!apiKey) throw new ConfigError(`no API key for ${provider}: set ${custom.apiKeyEnv}`);
  }
  return {
    wire: custom.api === "responses" ? "openai-responses" : "openai-chat",
    baseURL: trimSlash(custom.baseURL.trim()),
    ...(apiKey ? { apiKey } : {}),
    ...(custom.apiKeyEnv ? { keyEnv: custom.apiKeyEnv } : {}),
  };
}

function providerKeyOf(endpoint: Endpoint, provider: string): string {
  if (endpoint.wire === "anthropic") return "anthropic";
  if (endpoint.wire === "google") return "google";
  if (endpoint.wire === "openai-responses") return "openai";
  return provider;
}

/** OLLAMA_HOST comes as "host", "host:port" or a full URL; the server listens on 11434 by default. */
export function ollamaHost(host: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `http://${host}`;
  const url = new URL(withScheme);
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  const explicitPort = /^[a-z][a-z0-9+.-]*:\/\/[^/]*:\d+/i.test(withScheme);
  if (!explicitPort && url.protocol === "http:") url.port = "11434";
  return trimSlash(`${url.protocol}//${url.host}${url.pathname}`);
}

/** Adds a version path (Anthropic's "/v1") unless the URL already ends with it. */
export function withVersionSuffix(baseURL: string, suffix: string): string {
  const trimmed = trimSlash(baseURL.trim());
  return trimmed.endsWith(suffix) ? trimmed : `${trimmed}${suffix}`;
}

/** Adds a default path only to a bare origin: "http://host:8080" → "http://host:8080/v1"; a URL with a path is kept. */
export function withDefaultPath(baseURL: string, path: string): string {
  const trimmed = trimSlash(baseURL.trim());
  try {
    const url = new URL(trimmed);
    return url.pathname === "/" || url.pathname === "" ? `${trimmed}${path}` : trimmed;
  } catch {
    throw new ConfigError(`not a valid base URL: "${baseURL}"`);
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== "" ? value.trim() : undefined;
}
