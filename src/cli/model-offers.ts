import { BUILTIN_PROVIDERS, hasKey } from "../config/builtin-providers.ts";
import type { Settings } from "../config/settings-schema.ts";
import type { ModelInfo } from "../core/model.ts";
import { catalogModels, deprecationOf } from "../providers/catalog.ts";
import { type ModelsCache, readModelsCache, servedModel } from "../providers/models-cache.ts";
import { resolveTarget } from "../providers/resolve.ts";

interface OfferContext {
  env: NodeJS.ProcessEnv;
  settings: Settings;
  /** tacit's home, where `tacit models` keeps each provider's list (models-cache.json). */
  home: string;
}

/**
 * What /model offers: the current model first, then what each reachable provider said it serves
 * when `tacit models` last asked (a local Ollama's models, a proxy's own ids), then the catalog's
 * current models of each built-in provider that has a key, then models named in settings. A catalog
 * model without a key is left out: picking it could only fail.
 */
export function modelsToOffer(current: string, context: OfferContext): string[] {
  const refs = [current];
  const cache = readModelsCache(context.home);
  for (const provider of Object.keys(cache.providers)) {
    const baseURL = reachableBaseURL(provider, context);
    const list = cache.providers[provider];
    // Listed at another address (the provider moved since), or no longer reachable (its key went).
    if (!baseURL || list?.baseURL !== baseURL || !Array.isArray(list.models)) continue;
    for (const served of list.models) {
      if (!deprecationOf(served.id)) refs.push(`${provider}/${served.id}`);
    }
  }
  const direct = BUILTIN_PROVIDERS.filter((provider) => provider.family && hasKey(provider, context.env));
  for (const { modelId, family, deprecated } of catalogModels()) {
    // Retiring models are not offered; typing one still works, with a line naming its successor.
    if (deprecated) continue;
    const provider = direct.find((candidate) => candidate.family === family);
    if (provider) refs.push(`${provider.name}/${modelId}`);
  }
  for (const [provider, settings] of Object.entries(context.settings.providers ?? {})) {
    for (const modelId of Object.keys(settings.models ?? {})) refs.push(`${provider}/${modelId}`);
  }
  return [...new Set(refs)];
}

/**
 * One line when /model switched to an id that neither the catalog nor the provider's list (as
 * `tacit models` last fetched it) knows: most often a typo, which would otherwise be kept for the
 * project and fail on the first request. Undefined for a known id.
 */
export function unknownModelLine(info: ModelInfo, context: OfferContext): string | undefined {
  if (info.known) return undefined;
  const cache: ModelsCache = readModelsCache(context.home);
  const baseURL = reachableBaseURL(info.provider, context);
  const listed = baseURL !== undefined && cache.providers[info.provider]?.baseURL === baseURL;
  if (listed && servedModel(cache, { provider: info.provider, modelId: info.modelId, baseURL })) {
    return undefined;
  }
  const lists = `\`tacit models --provider ${info.provider}\` lists what ${info.provider} serves`;
  return listed
    ? `${info.ref} is neither in tacit's catalog nor in ${info.provider}'s model list; check the id: ${lists}`
    : `${info.ref} is not in tacit's catalog; check the id: ${lists}`;
}

/** The base URL a provider is reached at with this run's keys and settings; undefined when it cannot be. */
function reachableBaseURL(provider: string, context: OfferContext): string | undefined {
  try {
    return resolveTarget(`${provider}/any`, { env: context.env, providers: context.settings.providers ?? {} })
      .endpoint.baseURL;
  } catch {
    return undefined;
  }
}
