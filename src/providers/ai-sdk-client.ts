import type { ModelClient, ModelInfo, ModelRequest, ModelStreamEvent } from "../core/model.ts";
import { prepareInWorker } from "./model-worker/thread.ts";
import { RUN_HERE, streamInWorker } from "./model-worker/worker-stream.ts";
import { type ResolvedRetryOptions, withRetry } from "./retry.ts";
import type { ModelCallSettings } from "./sdk-stream.ts";

export interface AiSdkClientOptions {
  info: ModelInfo;
  /** The model and how to call it, as plain data: the model worker builds the SDK model from it. */
  settings: ModelCallSettings;
  /** The env var holding the key, named when the provider rejects it. */
  keyEnv?: string;
  retry: ResolvedRetryOptions;
}

/**
 * A ModelClient over the Vercel AI SDK: each attempt runs in the model worker (model-worker/), so
 * the SDK never loads on the main thread, or here when no worker could start; the retries
 * (withRetry) stay on this side, where the caller's abort signal and the retry events are.
 */
export function createAiSdkClient(options: AiSdkClientOptions): ModelClient {
  const { settings } = options;
  return {
    info: options.info,
    warmUp() {
      if (prepareInWorker(settings)) return;
      // No worker: the SDK loads on this thread, as the request will. Errors surface on the request.
      import("./sdk-stream.ts").then(({ sdkModel }) => sdkModel(settings)).catch(() => {});
    },
    stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamEvent> {
      return withRetry(() => attempt(request, signal, settings), {
        provider: options.info.provider,
        ...(options.keyEnv ? { keyEnv: options.keyEnv } : {}),
        options: options.retry,
        signal,
      });
    },
  };
}

async function* attempt(
  request: ModelRequest,
  signal: AbortSignal,
  settings: ModelCallSettings,
): AsyncGenerator<ModelStreamEvent> {
  if ((yield* streamInWorker(request, signal, settings)) !== RUN_HERE) return;
  const { streamAttempt } = await import("./sdk-stream.ts");
  yield* streamAttempt(request, signal, settings);
}
