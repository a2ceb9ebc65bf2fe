import type { LanguageModelV4StreamPart, LanguageModelV4Usage } from "@ai-sdk/provider";
import type { ModelEnding } from "../core/messages.ts";
import type { FinishReason, ModelStreamEvent } from "../core/model.ts";
import type { Usage } from "../core/usage.ts";
import { isRetryableStatus } from "./retry.ts";

/**
 * One part of a provider package's stream (the LanguageModelV4 spec) → the event the agent loop reads;
 * undefined for parts it does not need (stream-start, response-metadata, text-start/end, tool input
 * deltas, raw). What streamText made of each part before tacit read it, without its pipeline: the
 * same text, reasoning with its provider metadata, tool calls with their input parsed, and usage.
 * The finish event is returned, not yet passed on: streamText told of a step's end only once the
 * provider's stream had closed, and the caller does the same.
 */
export function toStreamEvent(
  part: LanguageModelV4StreamPart,
  toolNames: Set<string>,
  finishSignalled = false,
): ModelStreamEvent | undefined {
  switch (part.type) {
    case "text-delta":
      return part.delta === "" ? undefined : { type: "text-delta", text: part.delta };
    case "reasoning-delta":
      return reasoningEvent(part.delta, part.providerMetadata);
    case "reasoning-start":
    case "reasoning-end":
      // Signatures and encrypted reasoning arrive here for some providers; the loop keeps the latest.
      return part.providerMetadata ? reasoningEvent("", part.providerMetadata) : undefined;
    case "tool-call":
      return {
        type: "tool-call",
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: toolInput(part.input, toolNames.has(part.toolName)),
        ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
      };
    case "finish":
      // A finish without the wire's own end of the answer is no finish: the caller's stream then
      // ends without one, and withRetry sends the request again as cut.
      if (finishSignalled && !finishWasSignalled(part.finishReason)) return undefined;
      return finishEvent(part.finishReason, usageOf(part.usage), part.providerMetadata);
    case "error":
      throw streamErrorOf(part.error);
    default:
      return undefined;
  }
}

function finishEvent(
  reason: { unified: string; raw?: string | undefined },
  usage: Usage,
  providerMetadata: Record<string, unknown> | undefined,
): ModelStreamEvent {
  const finishReason = finishReasonOf(reason.unified);
  const ending = endingOf(finishReason, reason.raw);
  const finishMessage = ending === "malformed-call" ? finishMessageOf(providerMetadata) : undefined;
  return {
    type: "finish",
    finishReason,
    usage,
    ...(ending ? { ending } : {}),
    // The word is named to the user only when it says what happened (not Chat's "stop" beside a refusal).
    ...(ending && reason.raw !== undefined && !(ending === "refusal" && reason.raw === "stop")
      ? { rawReason: reason.raw }
      : {}),
    ...(finishMessage ? { finishMessage } : {}),
  };
}

/**
 * The package's unified reason and the wire's word → how the answer ended short, if it did.
 * "length" is the output limit on every wire (Anthropic's max_tokens, the Responses API's
 * max_output_tokens, Chat's length, Gemini's MAX_TOKENS), except Anthropic's
 * model_context_window_exceeded, which the package also calls "length": the answer was cut where
 * the whole conversation filled the context window, which a higher output limit would not mend.
 * "content-filter" is a refusal when the model said no (Anthropic's stop_reason "refusal"; OpenAI's
 * refusal field, which the packages report with the raw reason "stop" on Chat and none on the
 * Responses API) and the provider's filter otherwise (content_filter, Gemini's SAFETY, RECITATION,
 * BLOCKLIST…). "error" with Gemini's MALFORMED_FUNCTION_CALL is a call the API could not read: only
 * @ai-sdk/google reports that pair (the Chat package calls any word it does not know "other", so a
 * local server's odd words never reach here).
 */
export function endingOf(reason: FinishReason, raw: string | undefined): ModelEnding | undefined {
  if (reason === "length") return raw === "model_context_window_exceeded" ? "context-window" : "max-tokens";
  if (reason === "error") return raw === "MALFORMED_FUNCTION_CALL" ? "malformed-call" : undefined;
  if (reason !== "content-filter") return undefined;
  return raw === undefined || raw === "refusal" || raw === "stop" ? "refusal" : "content-filter";
}

/** What Gemini said beside MALFORMED_FUNCTION_CALL (its finishMessage, often the call it could not read). */
function finishMessageOf(providerMetadata: Record<string, unknown> | undefined): string | undefined {
  for (const value of Object.values(providerMetadata ?? {})) {
    const message = recordOf(value)?.finishMessage;
    if (typeof message === "string" && message.trim() !== "") return message.trim();
  }
  return undefined;
}

/**
 * Tool calls whose input began to stream (tool-input-start) and never became a call: the answer
 * was cut inside them. A package that ends such a call at the stream's end (Chat's) sends a
 * tool-call with the partial input, and the loop runs none when the answer was cut; one that does
 * not (the Responses API's) leaves it here, so the user is told which call was lost.
 */
export class UnfinishedToolCalls {
  private readonly open = new Map<string, string>();

  see(part: LanguageModelV4StreamPart): void {
    if (part.type === "tool-input-start") this.open.set(part.id, part.toolName);
    else if (part.type === "tool-call") this.open.delete(part.toolCallId);
  }

  /** The finish event with the names of the calls still open, when there are any. */
  withFinish(event: ModelStreamEvent): ModelStreamEvent {
    if (event.type !== "finish" || this.open.size === 0) return event;
    return { ...event, unfinishedToolCalls: [...this.open.values()] };
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

/**
 * A call's arguments arrive as JSON text. Empty text is no arguments ({}) for a known tool; text that
 * is not JSON (a model that broke off mid-call) stays a string, as streamText passed it on, and the
 * loop answers the call with an error the model can read and resend as a note of what it tried.
 */
function toolInput(text: string, knownTool: boolean): unknown {
  if (knownTool && text.trim() === "") return {};
  try {
    return JSON.parse(text, refuseProtoKeys);
  } catch {
    return text;
  }
}

/** Keys that could rewrite an object's prototype make the input unreadable, as the SDK's secure parser did. */
function refuseProtoKeys(key: string, value: unknown): unknown {
  if (
    key === "__proto__" ||
    (key === "constructor" && value && typeof value === "object" && "prototype" in value)
  )
    throw new SyntaxError("a forbidden key in the tool input");
  return value;
}

/**
 * Whether the provider saw its wire's own end of the answer. Each package starts a stream's finish
 * reason as a placeholder it replaces when that signal arrives: "interrupted" (the Responses API,
 * Gemini) or "other" with no raw reason (Anthropic, whose raw reason is the stop_reason). A
 * placeholder still there at the end means the stream stopped early.
 */
function finishWasSignalled(reason: { unified: string; raw?: string | undefined }): boolean {
  return reason.unified !== "interrupted" && !(reason.unified === "other" && reason.raw === undefined);
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

function usageOf(usage: LanguageModelV4Usage): Usage {
  return {
    inputTokens: usage.inputTokens.total ?? 0,
    outputTokens: usage.outputTokens.total ?? 0,
    cacheReadTokens: usage.inputTokens.cacheRead ?? 0,
    cacheWriteTokens: usage.inputTokens.cacheWrite ?? 0,
  };
}

/**
 * An error event inside an open stream (Anthropic's overloaded_error, OpenAI's response.failed) arrives
 * as the provider's plain JSON object. streamText made an error of it with the status the provider
 * named or its words imply, and whether it is worth retrying; retry.ts reads those fields, so they are
 * made the same way here. An Error, or an object without a message, passes as it is.
 */
export function streamErrorOf(error: unknown): unknown {
  if (error instanceof Error || Object.prototype.toString.call(error) === "[object Error]") return error;
  const outer = recordOf(error);
  if (!outer) return error;
  // What a provider package already read from the event (createProviderStreamError), marked as such.
  const readByProvider = (outer as Record<PropertyKey, unknown>)[PROVIDER_STREAM_ERROR] === true;
  const details = readByProvider
    ? outer
    : (recordOf(recordOf(outer.response)?.error) ?? recordOf(outer.error) ?? outer);
  if (typeof details.message !== "string") return error;
  const firstOf = <T>(values: unknown[], read: (value: unknown) => T | undefined) =>
    values.map(read).find((value) => value !== undefined);
  const statusCode =
    firstOf(
      [
        details.statusCode,
        outer.statusCode,
        details.status_code,
        outer.status_code,
        details.status,
        outer.status,
        details.code,
        outer.code,
      ],
      httpStatusOf,
    ) ?? impliedStatus(details.message);
  const explicitRetry = firstOf(
    [details.isRetryable, outer.isRetryable, details.is_retryable, outer.is_retryable],
    (value) => (typeof value === "boolean" ? value : undefined),
  );
  return Object.assign(new Error(details.message), {
    name: "AI_StreamProviderError",
    type: firstOf([details.type, outer.type], (value) => (typeof value === "string" ? value : undefined)),
    code: firstOf([details.code, outer.code], (value) =>
      typeof value === "string" || typeof value === "number" ? value : undefined,
    ),
    statusCode,
    isRetryable: explicitRetry ?? (statusCode !== undefined && isRetryableStatus(statusCode)),
    data: readByProvider ? outer.data : error,
  });
}

const PROVIDER_STREAM_ERROR = Symbol.for("vercel.ai.providerStreamError");

/** The statuses a provider's bare words stand for, as the SDK read them. */
function impliedStatus(message: string): number | undefined {
  const words = message.trim().toLowerCase();
  if (["overloaded", "overloaded error", "model overloaded", "service unavailable"].includes(words))
    return 503;
  if (words === "internal server error") return 500;
  return undefined;
}

function httpStatusOf(value: unknown): number | undefined {
  const status = typeof value === "string" && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : undefined;
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value != null ? (value as Record<string, unknown>) : undefined;
}
