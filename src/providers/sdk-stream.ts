import type { JSONSchema7, LanguageModel, ModelMessage, TextStreamPart, ToolSet } from "ai";
import { AbortedError } from "../core/errors.ts";
import { userMessage } from "../core/messages.ts";
import type { FinishReason, ModelRequest, ModelStreamEvent, ToolSpec } from "../core/model.ts";
import { traceStartup } from "../core/startup-trace.ts";
import type { Usage } from "../core/usage.ts";
import { ANTHROPIC_CACHE_CONTROL, toModelMessages } from "./convert-messages.ts";
import { type Endpoint, languageModelAt } from "./endpoint.ts";
import { StreamCutError } from "./retry.ts";

export type ProviderOptions = NonNullable<Extract<ModelMessage, { role: "system" }>["providerOptions"]>;

/**
 * Everything one model call needs besides the request, as plain data: it is posted to the model
 * worker (model-worker/), which builds the SDK model from it, so nothing here may be a function.
 */
export interface ModelCallSettings {
  endpoint: Endpoint;
  provider: string;
  modelId: string;
  /** The providerOptions key for this provider: "anthropic", "openai", "google", or another name. */
  providerKey: string;
  /** Anthropic prompt caching: breakpoints on the system prompt, the last tool and the last message. */
  promptCaching: boolean;
  /** Sent with every request (e.g. OpenAI's `store: false`). */
  providerOptions?: ProviderOptions;
  acceptsImages: boolean;
  maxOutputTokens: number;
  /** A stream that sends nothing for this long is treated as cut (retry.ts, idleTimeoutMs). */
  idleTimeoutMs: number;
}

/** SDK models built so far, by where they lead: every client of one model (subagents, compaction) shares one. */
const models = new Map<string, Promise<LanguageModel>>();

/** The SDK model for these settings, built once; a failed build is forgotten so the next request tries again. */
export function sdkModel(settings: ModelCallSettings): Promise<LanguageModel> {
  const { endpoint, provider, modelId } = settings;
  const key = JSON.stringify([endpoint.wire, endpoint.baseURL, endpoint.apiKey ?? "", provider, modelId]);
  let model = models.get(key);
  if (!model) {
    model = languageModelAt(endpoint, provider, modelId);
    models.set(key, model);
    model.catch(() => models.delete(key));
  }
  return model;
}

/**
 * One streamed attempt over the Vercel AI SDK's streamText: one model step (the agent loop runs the
 * tools), SDK retries off (withRetry in retry.ts does ours, around this). Runs in the model worker,
 * or on the main thread when no worker could start.
 */
export async function* streamAttempt(
  request: ModelRequest,
  signal: AbortSignal,
  settings: ModelCallSettings,
): AsyncGenerator<ModelStreamEvent> {
  const model = await sdkModel(settings);
  traceStartup("provider SDK loaded");
  yield* streamWith(model, request, signal, settings);
}

/** Why the rehearsal's fetch refuses: nothing is sent. */
class RehearsalOnly extends Error {}

/** A request like a run's first: a system prompt, a user message, a tool with a schema. */
const REHEARSAL: ModelRequest = {
  system: "rehearsal",
  messages: [userMessage("rehearsal")],
  tools: [
    {
      name: "read",
      description: "rehearsal",
      inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
    },
  ],
};

/**
 * Builds one request for this model all the way to its fetch, which sends nothing. The first call
 * of the SDK's request path compiles its code and builds the provider's zod schemas (about 10 ms);
 * rehearsed in the model worker while the main thread is still getting the run ready, the real
 * first request leaves that much sooner.
 */
export async function rehearse(settings: ModelCallSettings): Promise<void> {
  const { endpoint, provider, modelId } = settings;
  // The real request's client module loads here too (https brings TLS): the same cost, paid early.
  process.getBuiltinModule(endpoint.baseURL.startsWith("https:") ? "node:https" : "node:http");
  const refuse = async (): Promise<Response> => {
    throw new RehearsalOnly();
  };
  const model = await languageModelAt(endpoint, provider, modelId, refuse);
  try {
    for await (const _event of streamWith(model, REHEARSAL, new AbortController().signal, settings)) {
      // Nothing comes: the fetch refuses before any answer.
    }
  } catch {
    // The refusal, as the SDK reports it.
  }
}

async function* streamWith(
  model: LanguageModel,
  request: ModelRequest,
  signal: AbortSignal,
  settings: ModelCallSettings,
): AsyncGenerator<ModelStreamEvent> {
  const ai = await import("./sdk/core.ts");
  const caching = settings.promptCaching;
  const tools: ToolSet = {};
  request.tools.forEach((spec, index) => {
    const isLast = index === request.tools.length - 1;
    tools[spec.name] = toSdkTool(ai, spec, caching && isLast);
  });
  const messages = toModelMessages(request.messages, {
    providerKey: settings.providerKey,
    cacheLastMessage: caching,
    images: settings.acceptsImages,
  });
  const instructions = caching
    ? { role: "system" as const, content: request.system, providerOptions: ANTHROPIC_CACHE_CONTROL }
    : request.system;

  // A watchdog for a stream that goes silent without closing: aborting it makes
  // the SDK stop, and the StreamCutError below lets withRetry send the request again.
  const idle = new AbortController();
  let silent = false;
  const idleLimit = settings.idleTimeoutMs;
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
    maxOutputTokens: request.maxOutputTokens ?? settings.maxOutputTokens,
    // Retries are ours (retry.ts): the SDK's would hide them from the user.
    maxRetries: 0,
    // One step: tools have no execute, and the loop sends their results itself.
    stopWhen: ai.stepCountIs(1),
    abortSignal: AbortSignal.any([signal, idle.signal]),
    // Errors arrive as stream parts and are handled below; the default handler would log them.
    onError: () => {},
    ...(settings.providerOptions ? { providerOptions: settings.providerOptions } : {}),
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
