import type { JSONSchema7, LanguageModel, ModelMessage, TextStreamPart, ToolSet } from "ai";
import { AbortedError } from "../core/errors.ts";
import type {
  FinishReason,
  ModelClient,
  ModelInfo,
  ModelRequest,
  ModelStreamEvent,
  ToolSpec,
} from "../core/model.ts";
import { traceStartup } from "../core/startup-trace.ts";
import type { Usage } from "../core/usage.ts";
import { ANTHROPIC_CACHE_CONTROL, toModelMessages } from "./convert-messages.ts";
import { type ResolvedRetryOptions, StreamCutError, withRetry } from "./retry.ts";

type ProviderOptions = NonNullable<Extract<ModelMessage, { role: "system" }>["providerOptions"]>;

export interface AiSdkClientOptions {
  info: ModelInfo;
  /** Builds the SDK model; called once, at the first request, so startup never loads the SDK. */
  loadModel: () => Promise<LanguageModel>;
  /** The providerOptions key for this provider: "anthropic", "openai", "google", or another name. */
  providerKey: string;
  /** The env var holding the key, named when the provider rejects it. */
  keyEnv?: string;
  /** Anthropic prompt caching: breakpoints on the system prompt, the last tool and the last message. */
  promptCaching?: boolean;
  /** Sent with every request (e.g. OpenAI's `store: false`). */
  providerOptions?: ProviderOptions;
  retry: ResolvedRetryOptions;
}

/**
 * A ModelClient over the Vercel AI SDK's streamText: one model step per call
 * (the agent loop runs the tools), SDK retries off (withRetry does ours).
 */
export function createAiSdkClient(options: AiSdkClientOptions): ModelClient {
  let modelPromise: Promise<LanguageModel> | undefined;
  const loadModel = () => {
    modelPromise ??= options.loadModel().catch((error: unknown) => {
      modelPromise = undefined;
      throw error;
    });
    return modelPromise;
  };
  return {
    info: options.info,
    warmUp() {
      // Errors surface on the real request; here they only cost the head start.
      import("./sdk/core.ts").catch(() => {});
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
  loadModel: () => Promise<LanguageModel>,
): AsyncGenerator<ModelStreamEvent> {
  const ai = await import("./sdk/core.ts");
  const model = await loadModel();
  traceStartup("provider SDK loaded");
  const caching = options.promptCaching === true;
  const tools: ToolSet = {};
  request.tools.forEach((spec, index) => {
    const isLast = index === request.tools.length - 1;
    tools[spec.name] = toSdkTool(ai, spec, caching && isLast);
  });
  const messages = toModelMessages(request.messages, {
    providerKey: options.providerKey,
    cacheLastMessage: caching,
    images: options.info.acceptsImages === true,
  });
  const instructions = caching
    ? { role: "system" as const, content: request.system, providerOptions: ANTHROPIC_CACHE_CONTROL }
    : request.system;

  // A watchdog for a stream that goes silent without closing: aborting it makes
  // the SDK stop, and the StreamCutError below lets withRetry send the request again.
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

  const result = ai.streamText({
    model,
    ...(request.system ? { instructions } : {}),
    messages,
    ...(request.tools.length > 0 ? { tools } : {}),
    maxOutputTokens: request.maxOutputTokens ?? options.info.maxOutputTokens,
    // Retries are ours (retry.ts): the SDK's would hide them from the user.
    maxRetries: 0,
    // One step: tools have no execute, and the loop sends their results itself.
    stopWhen: ai.stepCountIs(1),
    abortSignal: AbortSignal.any([signal, idle.signal]),
    // Errors arrive as stream parts and are handled below; the default handler would log them.
    onError: () => {},
    ...(options.providerOptions ? { providerOptions: options.providerOptions } : {}),
  });

  try {
    for await (const part of result.fullStream) {
      rearm();
      const event = toStreamEvent(part as TextStreamPart<ToolSet>);
      if (event === "abort") throw silent && !signal.aborted ? silentError() : new AbortedError();
      if (event) yield event;
    }
  } catch (error) {
    if (silent && !signal.aborted) throw silentError();
    throw error;
  } finally {
    clearTimeout(watchdog);
  }
}

function toSdkTool(ai: typeof import("./sdk/core.ts"), spec: ToolSpec, cacheBreakpoint: boolean) {
  return ai.tool({
    description: spec.description,
    inputSchema: ai.jsonSchema(spec.inputSchema as JSONSchema7),
    ...(cacheBreakpoint ? { providerOptions: ANTHROPIC_CACHE_CONTROL } : {}),
  });
}

/** One SDK stream part → our event; undefined for parts the loop does not need. */
function toStreamEvent(part: TextStreamPart<ToolSet>): ModelStreamEvent | "abort" | undefined {
  switch (part.type) {
    case "text-delta":
      return part.text === "" ? undefined : { type: "text-delta", text: part.text };
    case "reasoning-delta":
      return reasoningEvent(part.text, part.providerMetadata);
    case "reasoning-start":
    case "reasoning-end":
      // Signatures and encrypted reasoning arrive here for some providers; the loop keeps the latest.
      return part.providerMetadata ? reasoningEvent("", part.providerMetadata) : undefined;
    case "tool-call":
      return {
        type: "tool-call",
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: part.input,
        ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
      };
    case "finish-step":
      return { type: "finish", finishReason: finishReasonOf(part.finishReason), usage: usageOf(part.usage) };
    case "error":
      throw part.error;
    case "abort":
      return "abort";
    default:
      return undefined;
  }
}

function reasoningEvent(text: string, providerMetadata: unknown): ModelStreamEvent | undefined {
  if (text === "" && !providerMetadata) return undefined;
  return {
    type: "reasoning-delta",
    text,
    ...(providerMetadata ? { providerMetadata: providerMetadata as Record<string, unknown> } : {}),
  };
}

const FINISH_REASONS = new Set<FinishReason>([
  "stop",
  "tool-calls",
  "length",
  "content-filter",
  "error",
  "other",
]);

function finishReasonOf(reason: string): FinishReason {
  return FINISH_REASONS.has(reason as FinishReason) ? (reason as FinishReason) : "other";
}

interface SdkUsage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  inputTokenDetails?: { cacheReadTokens?: number | undefined; cacheWriteTokens?: number | undefined };
}

function usageOf(usage: SdkUsage): Usage {
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cacheReadTokens: usage.inputTokenDetails?.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.inputTokenDetails?.cacheWriteTokens ?? 0,
  };
}
