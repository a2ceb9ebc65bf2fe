import type { LanguageModelV4, SharedV4ProviderOptions } from "@ai-sdk/provider";
import { AbortedError } from "../core/errors.ts";
import type { ModelClient, ModelInfo, ModelRequest, ModelStreamEvent } from "../core/model.ts";
import { traceStartup } from "../core/startup-trace.ts";
import { ANTHROPIC_CACHE_CONTROL, toModelMessages } from "./convert-messages.ts";
import { toProviderPrompt, toProviderTools } from "./provider-prompt.ts";
import { toStreamEvent, UnfinishedToolCalls } from "./provider-stream.ts";
import { type ResolvedRetryOptions, StreamCutError, withRetry } from "./retry.ts";

export interface AiSdkClientOptions {
  info: ModelInfo;
  /** Builds the SDK model; called once, at the first request, so startup never loads the SDK. */
  loadModel: () => Promise<LanguageModelV4>;
  /** The providerOptions key for this provider: "anthropic", "openai", "google", or another name. */
  providerKey: string;
  /** The env var holding the key, named when the provider rejects it. */
  keyEnv?: string;
  /** Anthropic prompt caching: breakpoints on the system prompt, the last tool and the last message. */
  promptCaching?: boolean;
  /** Sent with every request (e.g. OpenAI's `store: false`). */
  providerOptions?: SharedV4ProviderOptions;
  /**
   * The wire always ends a whole answer with its own finish signal (Anthropic's stop_reason, the
   * Responses API's response.completed, Gemini's finishReason). A provider package still ends a
   * stream cut before it with a finish part (provider-stream.ts finishWasSignalled tells them
   * apart): such a finish is dropped, so withRetry takes the stream for cut and sends it again,
   * instead of a shortened answer taken as whole.
   * An OpenAI-compatible server is not trusted to send one (some local servers leave
   * finish_reason out).
   */
  finishSignalled?: boolean;
  retry: ResolvedRetryOptions;
}

/**
 * A ModelClient over an AI SDK provider package's model, called directly (doStream): one model step
 * per call (the agent loop runs the tools and sends their results), retries by withRetry. The `ai`
 * package's streamText used to sit between them; it added nothing tacit needs and cost the first
 * request about 8 ms of CPU to load and run (provider-prompt.ts and provider-stream.ts do its part).
 */
export function createAiSdkClient(options: AiSdkClientOptions): ModelClient {
  let modelPromise: Promise<LanguageModelV4> | undefined;
  const loadModel = () => {
    modelPromise ??= options.loadModel().catch((error: unknown) => {
      modelPromise = undefined;
      throw error;
    });
    return modelPromise;
  };
  return {
    info: options.info,
    maxRetries: options.retry.maxAttempts - 1,
    warmUp() {
      // Errors surface on the real request; here they only cost the head start.
      loadModel().catch(() => {});
    },
    stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamEvent> {
      return withRetry(() => streamOnce(request, signal, options, loadModel), {
        provider: options.info.provider,
        ...(options.keyEnv ? { keyEnv: options.keyEnv } : {}),
        options: options.retry,
        signal,
      });
    },
  };
}

async function* streamOnce(
  request: ModelRequest,
  signal: AbortSignal,
  options: AiSdkClientOptions,
  loadModel: () => Promise<LanguageModelV4>,
): AsyncGenerator<ModelStreamEvent> {
  const model = await loadModel();
  traceStartup("provider SDK loaded");
  const caching = options.promptCaching === true;
  const messages = toModelMessages(request.messages, {
    providerKey: options.providerKey,
    cacheLastMessage: caching,
    images: options.info.acceptsImages === true,
  });
  const system = request.system
    ? { content: request.system, ...(caching ? { providerOptions: ANTHROPIC_CACHE_CONTROL } : {}) }
    : undefined;
  const tools = toProviderTools(request.tools, caching ? ANTHROPIC_CACHE_CONTROL : undefined);

  // A watchdog for a stream that goes silent without closing: aborting it makes
  // the request stop, and the StreamCutError below lets withRetry send it again.
  const idle = new AbortController();
  let silent = false;
  const idleLimit = options.retry.idleTimeoutMs;
  let watchdog = setTimeout(() => {}, 0);
  const rearm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      silent = true;
      idle.abort();
    }, idleLimit);
  };
  rearm();
  const silentError = () =>
    new StreamCutError(`no data from the provider for ${Math.round(idleLimit / 1000)} s`);

  try {
    // The call streamText made for one step, with its settings: tools only when there are any, the
    // model free to answer or call ("auto"), the SDK's retries never started (withRetry does ours).
    const { stream } = await model.doStream({
      prompt: toProviderPrompt(system, messages),
      maxOutputTokens: request.maxOutputTokens ?? options.info.maxOutputTokens,
      ...(tools.length > 0 ? { tools } : {}),
      toolChoice: { type: "auto" },
      ...(options.providerOptions ? { providerOptions: options.providerOptions } : {}),
      abortSignal: AbortSignal.any([signal, idle.signal]),
    });
    const toolNames = new Set(request.tools.map((spec) => spec.name));
    let finish: ModelStreamEvent | undefined;
    const unfinished = new UnfinishedToolCalls();
    for await (const part of stream) {
      rearm();
      unfinished.see(part);
      const event = toStreamEvent(part, toolNames, options.finishSignalled);
      if (event?.type === "finish") finish = unfinished.withFinish(event);
      else if (event) yield event;
    }
    if (silent && !signal.aborted) throw silentError();
    if (signal.aborted) throw new AbortedError();
    // The finish event once the stream has closed, as streamText told it: nothing of the turn comes after.
    if (finish) yield finish;
  } catch (error) {
    if (silent && !signal.aborted) throw silentError();
    if (signal.aborted) throw new AbortedError();
    throw error;
  } finally {
    clearTimeout(watchdog);
  }
}
