import { readFileSync } from "node:fs";
import path from "node:path";
import type { ServedModel } from "./model-list.ts";

/** One provider's list as `tacit models` last fetched it. */
interface CachedList {
  fetchedAt: string;
  /** The list is for this base URL only: a moved provider (a proxy, another host) is asked again. */
  baseURL: string;
  models: ServedModel[];
}

export interface ModelsCache {
  providers: Record<string, CachedList>;
}

/** ~/.tacit/models-cache.json: model ids, limits and what each takes, never a key. */
export function modelsCachePath(home: string): string {
  return path.join(home, "models-cache.json");
}

/** The cache as written by `tacit models`; a missing or unreadable file is an empty cache. */
export function readModelsCache(home: string): ModelsCache {
  try {
    const parsed = JSON.parse(readFileSync(modelsCachePath(home), "utf8")) as Partial<ModelsCache>;
    return { providers: typeof parsed.providers === "object" && parsed.providers ? parsed.providers : {} };
  } catch {
    return { providers: {} };
  }
}

/**
 * What the provider at this base URL said about a model when last listed, if it was listed there.
 * Ollama names a model without a tag as its `:latest` (`ollama/llava` is `llava:latest`).
 */
export function servedModel(
  cache: ModelsCache,
  target: { provider: string; modelId: string; baseURL: string },
): ServedModel | undefined {
  const list = cache.providers[target.provider];
  if (!list || list.baseURL !== target.baseURL || !Array.isArray(list.models)) return undefined;
  const tagged = target.modelId.includes(":") ? undefined : `${target.modelId}:latest`;
  return list.models.find((model) => model.id === target.modelId || model.id === tagged);
}
