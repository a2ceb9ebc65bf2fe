import type { EmbeddingModel } from "ai";
import type { Embedder, EmbedOptions } from "../core/embedder.ts";
import { ConfigError, ProviderError } from "../core/errors.ts";
import { type Endpoint, embeddingModelAt } from "./endpoint.ts";
import { type CustomProviderSettings, type Environment, parseModelRef, resolveTarget } from "./resolve.ts";
import {
  type FailureInfo,
  oneLine,
  type RetryOptions,
  resolveRetryOptions,
  retryingOnce,
  statusLine,
} from "./retry.ts";

export interface EmbedderResolveOptions {
  env?: Environment;
  providers?: Record<string, CustomProviderSettings>;
  retry?: RetryOptions;
  /** Texts per request (default 64): small enough for every provider's limit, big enough to be few requests. */
  batchSize?: number;
}

/** One function per request, so tests can count requests and the SDK can be swapped out. */
type EmbedBatch = (texts: string[], signal: AbortSignal | undefined) => Promise<number[][]>;

const DEFAULT_BATCH_SIZE = 64;
const SETTING = "memory.embeddingModel";

/**
 * Turns "provider/model-id" (memory.embeddingModel) into an Embedder, with the
 * same endpoints and keys as resolveModel. Throws a one-line ConfigError for a
 * bad reference, a provider without embeddings, or a missing key. Loads no SDK
 * code until the first texts are embedded.
 */
export function resolveEmbedder(ref: string, options: EmbedderResolveOptions = {}): Embedder {
  const env = options.env ?? process.env;
  if (!/^[^/\s]+\/\S/.test(ref.trim())) {
    throw new ConfigError(
      `${SETTING} must look like provider/model-id (e.g. openai/text-embedding-3-small), got "${ref}"`,
    );
  }
  const { provider, modelId } = parseModelRef(ref);
  let endpoint: Endpoint;
  try {
    ({ endpoint } = resolveTarget(ref, {
      env,
      ...(options.providers ? { providers: options.providers } : {}),
    }));
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${SETTING} "${ref}": ${error.message}`);
    throw error;
  }
  if (endpoint.wire === "anthropic") {
    throw new ConfigError(
      `${SETTING} "${ref}": anthropic has no embedding models; use e.g. openai/text-embedding-3-small or ollama/nomic-embed-text`,
    );
  }
  let model: Promise<EmbeddingModel> | undefined;
  const loadModel = () => {
    model ??= embeddingModelAt(endpoint, provider, modelId);
    // A failed load (a broken install) is tried again next time rather than cached.
    model.catch(() => {
      model = undefined;
    });
    return model;
  };
  const embedBatch: EmbedBatch = async (texts, signal) => {
    const { embedMany } = await import("./sdk/embed.ts");
    const result = await embedMany({
      model: await loadModel(),
      values: texts,
      // Our own retry loop below decides, the same way for every provider.
      maxRetries: 0,
      maxParallelCalls: 1,
      ...(signal ? { abortSignal: signal } : {}),
    });
    return result.embeddings;
  };
  return createBatchingEmbedder({
    model: `${provider}/${modelId}`,
    embedBatch,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    retry: resolveRetryOptions(env, options.retry),
    ...(endpoint.keyEnv ? { keyEnv: endpoint.keyEnv } : {}),
  });
}

/**
 * Splits texts into batches, one request each, retried like model requests
 * (429, 5xx, dropped connections, with backoff); a failure that retries cannot
 * fix becomes one ProviderError line. Exported for tests.
 */
export function createBatchingEmbedder(parameters: {
  model: string;
  embedBatch: EmbedBatch;
  batchSize: number;
  retry: ReturnType<typeof resolveRetryOptions>;
  keyEnv?: string;
}): Embedder {
  const { model, embedBatch, retry } = parameters;
  const batchSize = Math.max(1, Math.trunc(parameters.batchSize));
  return {
    model,
    async embed(texts: string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
      const attempts = options.maxAttempts === undefined ? retry : fewerAttempts(retry, options.maxAttempts);
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize);
        const embeddings = await retryingOnce(() => embedBatch(batch, options.signal), {
          options: attempts,
          ...(options.signal ? { signal: options.signal } : {}),
          finalError: (failure, attemptsMade) =>
            new ProviderError(
              failureLine(model, failure, attemptsMade, parameters.keyEnv),
              failure.status,
              failure.retryable,
            ),
        });
        if (embeddings.length !== batch.length) {
          throw new ProviderError(
            `${model}: the embedding endpoint returned ${embeddings.length} vectors for ${batch.length} texts`,
          );
        }
        for (const embedding of embeddings) vectors.push(Float32Array.from(embedding));
      }
      return vectors;
    },
  };
}

/** A caller may ask for fewer attempts than the settings allow, never more; at least one. */
function fewerAttempts(
  retry: ReturnType<typeof resolveRetryOptions>,
  maxAttempts: number,
): ReturnType<typeof resolveRetryOptions> {
  const wanted = Number.isFinite(maxAttempts) ? Math.max(1, Math.trunc(maxAttempts)) : retry.maxAttempts;
  return { ...retry, maxAttempts: Math.min(retry.maxAttempts, wanted) };
}

/** "model: embedding failed: 503 Service Unavailable after 4 attempts: message", on one line. */
function failureLine(
  model: string,
  failure: FailureInfo,
  attempts: number,
  keyEnv: string | undefined,
): string {
  const tries = failure.retryable ? ` after ${attempts} attempt${attempts === 1 ? "" : "s"}` : "";
  const hint = failure.status === 401 && keyEnv ? ` (check ${keyEnv})` : "";
  const head =
    failure.status === undefined
      ? `embedding failed${tries}`
      : `embedding failed: ${statusLine(failure.status)}${tries}${hint}`;
  return oneLine(`${model}: ${head}: ${failure.message}`);
}
