import type { Settings } from "../config/settings-schema.ts";
import type { ModelClient } from "../core/model.ts";
import { deprecationWarning } from "../providers/catalog.ts";
import type { Effort } from "../providers/effort.ts";
import { type ModelsCache, readModelsCache, servedModel } from "../providers/models-cache.ts";
import { resolveModel } from "../providers/resolve.ts";

/** How a run turns model references into clients: the session's start, /model, subagents, custom commands. */
export interface ModelResolver {
  resolve(ref: string): ModelClient;
  /** The reasoning effort models are resolved with from now on (/effort); absent: the provider's default. */
  effort(): Effort | undefined;
  setEffort(effort: Effort | undefined): void;
}

/**
 * Resolves with the user's providers and the effort in force, and says once a run that a model is
 * retiring (naming its successor), however often /model or a subagent resolves it.
 */
export function modelResolver(options: {
  env: NodeJS.ProcessEnv;
  settings: Settings;
  effort: Effort | undefined;
  warn(line: string): void;
  /** tacit's home, where `tacit models` keeps what each provider said it serves. */
  home: string;
}): ModelResolver {
  let effort = options.effort;
  const deprecationsWarned = new Set<string>();
  // Read once, when a model is first resolved; `tacit models --refresh` rewrites it, not a running session.
  let cache: ModelsCache | undefined;
  const acceptsImages = (target: { provider: string; modelId: string; baseURL: string }) => {
    const setting = options.settings.models?.[`${target.provider}/${target.modelId}`]?.vision;
    if (setting !== undefined) return setting;
    cache ??= readModelsCache(options.home);
    return servedModel(cache, target)?.vision;
  };
  return {
    resolve(ref) {
      const client = resolveModel(ref, {
        env: options.env,
        providers: options.settings.providers ?? {},
        ...(effort ? { effort } : {}),
        onNotice: options.warn,
        acceptsImages,
      });
      const deprecated = deprecationWarning(client.info.provider, client.info.modelId);
      if (deprecated && !deprecationsWarned.has(client.info.ref)) {
        deprecationsWarned.add(client.info.ref);
        options.warn(deprecated);
      }
      return client;
    },
    effort: () => effort,
    setEffort(next) {
      effort = next;
    },
  };
}
