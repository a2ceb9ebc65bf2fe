import { AbortedError, ConfigError, errorMessage, isAbortError, ProviderError } from "../core/errors.ts";
import type { ModelStreamEvent } from "../core/model.ts";
import { UnexpectedResponseError } from "./response-check.ts";

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** The backoff base: attempt n waits up to baseDelayMs * 2^(n-1). */
  baseDelayMs?: number;
  /** No wait, from backoff or retry-after, exceeds this. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1); injectable so tests can pin it. */
  random?: () => number;
  /**
   * A stream that sends nothing for this long is treated as cut (and retried):
   * a provider or proxy can go silent without closing the connection.
   */
  idleTimeoutMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_BASE_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 60_000;
// Long: reasoning models can think for minutes, but they stream while they do.
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/**
 * Defaults, then TACIT_MAX_RETRIES / TACIT_RETRY_BASE_MS from the environment,
 * then explicit options. TACIT_MAX_RETRIES counts retries after the first attempt;
 * TACIT_STREAM_IDLE_MS sets the silent-stream limit.
 */
export function resolveRetryOptions(
  env: Record<string, string | undefined>,
  options: RetryOptions = {},
): ResolvedRetryOptions {
  const retries = nonNegativeInteger(env.TACIT_MAX_RETRIES);
  const baseDelay = nonNegativeInteger(env.TACIT_RETRY_BASE_MS);
  const idleTimeout = nonNegativeInteger(env.TACIT_STREAM_IDLE_MS);
  return {
    maxAttempts: options.maxAttempts ?? (retries === undefined ? DEFAULT_MAX_ATTEMPTS : retries + 1),
    baseDelayMs: options.baseDelayMs ?? baseDelay ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    random: options.random ?? Math.random,
    idleTimeoutMs: options.idleTimeoutMs ?? idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
  };
}

function nonNegativeInteger(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The stream ended before the provider said it was finished (a dropped connection). */
export class StreamCutError extends Error {
  override name = "StreamCutError";
  constructor(message = "the response stream ended before it finished") {
    super(message);
  }
}

/**
 * The provider refused the request as longer than the model's context window.
 * Retrying the same request cannot help; the agent loop makes room (compacts
 * or trims) and sends it again once.
 */
export class ContextOverflowError extends ProviderError {
  override name = "ContextOverflowError";
}

/**
 * Each wire's words for "too long for the context window": Anthropic's 400
 * "prompt is too long", OpenAI's context_length_exceeded ("exceeds the
 * context window", "maximum context length"), Gemini's "input token count
 * … exceeds the maximum number of tokens", and what OpenAI-compatible
 * servers (vLLM, llama.cpp, Ollama) say.
 */
const CONTEXT_OVERFLOW =
  /prompt is too long|context_length_exceeded|exceeds the context window|maximum context length|context length|input token count.*exceeds|too many (input )?tokens|exceeds? the available context size|reduce the length of the (messages|prompt)/i;

export function isContextOverflowMessage(message: string): boolean {
  return CONTEXT_OVERFLOW.test(message);
}

/** What a failure means for the retry loop, read from whatever the SDK threw. */
export interface FailureInfo {
  retryable: boolean;
  status?: number;
  /** What the provider said, without the status. */
  message: string;
  /** From retry-after-ms or retry-after, when the provider sent one. */
  retryAfterMs?: number;
}

const RETRYABLE_CLIENT_STATUSES = new Set([408, 409, 429]);
const NETWORK_ERROR_CODES =
  /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|UND_ERR|socket hang up|fetch failed|terminated|network/i;

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || RETRYABLE_CLIENT_STATUSES.has(status);
}

/**
 * Reads an error from the AI SDK (APICallError and friends, duck-typed so this
 * file need not load the SDK), a provider error event, or the network.
 */
export function describeFailure(error: unknown, now: number = Date.now()): FailureInfo {
  if (error instanceof StreamCutError) return { retryable: true, message: error.message };
  // A web page where the API should be: a 200 (captive portal, wrong base URL) will not change on a
  // retry; a proxy's 502 or 503 page may.
  const unexpected = findUnexpectedResponse(error);
  if (unexpected) {
    const retryable = unexpected.status >= 300 && isRetryableStatus(unexpected.status);
    return { retryable, message: unexpected.message };
  }
  const record = asRecord(error);
  // The SDK wraps exhausted retries; we run with its retries off, but be safe.
  const lastError = record?.lastError;
  if (record?.name === "AI_RetryError" && lastError) return describeFailure(lastError, now);

  const status = typeof record?.statusCode === "number" ? record.statusCode : undefined;
  const headers = asRecord(record?.responseHeaders) as Record<string, string> | undefined;
  const retryAfterMs = headers ? parseRetryAfter(headers, now) : undefined;
  const message = providerMessage(error);
  const withRetryAfter = retryAfterMs === undefined ? {} : { retryAfterMs };
  // A 2xx that failed while its body streamed: the connection dropped mid-response.
  if (status !== undefined && status < 300) {
    return { retryable: true, message: `the response stream was cut (${causeMessage(error)})` };
  }
  if (status !== undefined) {
    return { retryable: isRetryableStatus(status), status, message, ...withRetryAfter };
  }
  // Anthropic sends "overloaded_error" (HTTP 529) inside an open stream too.
  if (/overloaded|rate.?limit|internal server error|server_error|api_error/i.test(message)) {
    return { retryable: true, message, ...withRetryAfter };
  }
  if (record?.isRetryable === true || isNetworkError(error)) return { retryable: true, message };
  return { retryable: false, message };
}

/** The UnexpectedResponseError itself, or inside the SDK's wrapping (cause chain, RetryError). */
function findUnexpectedResponse(error: unknown): UnexpectedResponseError | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof UnexpectedResponseError) return current;
    const record = asRecord(current);
    current = record?.cause ?? record?.lastError;
  }
  return undefined;
}

/** The innermost cause's message: "other side closed" says more than "Failed to process successful response". */
function causeMessage(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = asRecord(current)?.cause;
    if (!cause) break;
    current = cause;
  }
  return errorMessage(current);
}

function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const record = asRecord(current);
    if (!record) return false;
    const code = typeof record.code === "string" ? record.code : "";
    if (NETWORK_ERROR_CODES.test(code) || NETWORK_ERROR_CODES.test(errorMessage(current))) return true;
    current = record.cause;
  }
  return false;
}

/** The provider's own words: the error body's message when there is one. */
function providerMessage(error: unknown): string {
  const record = asRecord(error);
  const data = asRecord(record?.data);
  const nested = asRecord(data?.error);
  if (typeof nested?.message === "string") return nested.message;
  if (typeof data?.message === "string") return data.message;
  // Provider error events in a stream arrive as plain objects ({ type, message }).
  if (record && !(error instanceof Error)) {
    const inner = asRecord(record.error);
    if (typeof inner?.message === "string") return inner.message;
    if (typeof record.message === "string") return record.message;
    return JSON.stringify(error);
  }
  return errorMessage(error);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

/**
 * The wait a provider asked for: retry-after-ms (OpenAI), or retry-after in
 * seconds or as an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Record<string, string | undefined>, now: number = Date.now()) {
  const lower: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const milliseconds = lower["retry-after-ms"];
  if (milliseconds !== undefined && milliseconds.trim() !== "") {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = lower["retry-after"]?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Exponential backoff with full jitter (a uniform wait in [0, base * 2^(n-1)]),
 * so many clients hit by the same outage do not retry in step. A provider's
 * retry-after wins when present. Both are capped at maxDelayMs.
 */
export function retryDelay(attempt: number, options: ResolvedRetryOptions, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.ceil(retryAfterMs), options.maxDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(options.random() * ceiling);
}

/** What the one retry loop needs from its caller. */
interface RetryPolicy<T> {
  options: ResolvedRetryOptions;
  signal?: AbortSignal;
  /** The error thrown once a failure is final: retries cannot fix it, or the attempts are spent. */
  finalError: (failure: FailureInfo, attempts: number) => Error;
  /** What to hand the consumer before each retry (the chat stream's retry event); nothing when absent. */
  retryNotice?: (notice: { attempt: number; delayMs: number; failure: FailureInfo }) => T;
}

/**
 * The one retry loop, for chat streams and embeddings alike: runs an attempt,
 * passing on what it yields, and again while it fails in a way worth retrying
 * (see describeFailure), after a backoff with jitter or the provider's
 * retry-after. ProviderError and ConfigError are already final one-line
 * answers and pass through; an abort, at any point, is an AbortedError.
 */
async function* retrying<T>(attempt: () => AsyncIterable<T>, policy: RetryPolicy<T>): AsyncGenerator<T> {
  const { options, signal } = policy;
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (signal?.aborted) throw new AbortedError();
    try {
      yield* attempt();
      if (signal?.aborted) throw new AbortedError();
      return;
    } catch (error) {
      if (signal?.aborted || isAbortError(error)) throw new AbortedError();
      if (error instanceof ProviderError || error instanceof ConfigError) throw error;
      const failure = describeFailure(error);
      if (!failure.retryable || attemptNumber >= options.maxAttempts) {
        throw policy.finalError(failure, attemptNumber);
      }
      const delayMs = retryDelay(attemptNumber, options, failure.retryAfterMs);
      if (policy.retryNotice) yield policy.retryNotice({ attempt: attemptNumber, delayMs, failure });
      await sleep(delayMs, signal);
    }
  }
}

/** The same loop around a request that answers once (an embeddings batch): its answer, as soon as it comes. */
export async function retryingOnce<T>(
  attempt: () => Promise<T>,
  policy: Omit<RetryPolicy<T>, "retryNotice">,
): Promise<T> {
  const once = async function* () {
    yield await attempt();
  };
  // Without retryNotice the loop yields only what an attempt yields, and this attempt yields its answer.
  for await (const answer of retrying(once, policy)) return answer;
  throw new Error("the retry loop ended without an answer");
}

export interface RetryContext {
  /** The provider's name, first in every error message. */
  provider: string;
  /** The env var holding the key, named when the key is rejected. */
  keyEnv?: string;
  options: ResolvedRetryOptions;
  signal: AbortSignal;
}

/**
 * Runs one streamed model request through the retry loop. A stream that ends
 * without its finish event was cut and is retried. Before each retry the
 * consumer gets a retry event: it shows it and drops what the failed attempt
 * streamed, since the request starts over.
 */
export function withRetry(
  request: () => AsyncIterable<ModelStreamEvent>,
  context: RetryContext,
): AsyncGenerator<ModelStreamEvent> {
  return retrying(() => untilFinished(request()), {
    options: context.options,
    signal: context.signal,
    finalError: (failure, attempts) => providerErrorOf(failure, context, attempts),
    retryNotice: ({ attempt, delayMs, failure }) => ({
      type: "retry",
      attempt,
      delayMs,
      reason: failureLine(failure),
    }),
  });
}

/** Passes a stream on, and throws StreamCutError when it ends before its finish event. */
async function* untilFinished(events: AsyncIterable<ModelStreamEvent>): AsyncGenerator<ModelStreamEvent> {
  let finished = false;
  for await (const event of events) {
    if (event.type === "finish") finished = true;
    yield event;
  }
  if (!finished) throw new StreamCutError();
}

/** "500 Internal Server Error": the status with its name (Anthropic's 529 is "Overloaded"). */
export function statusLine(status: number): string {
  // getBuiltinModule, not an import: an ESM import of node:http evaluates its lazy WebSocket getters,
  // which load undici (about 16 ms of CPU) on every start.
  const { STATUS_CODES } = process.getBuiltinModule("node:http");
  return `${status} ${STATUS_CODES[status] ?? (status === 529 ? "Overloaded" : "Error")}`;
}

/** "500 Internal Server Error: message", or the message alone when there is no status. */
function failureLine(failure: FailureInfo): string {
  if (failure.status === undefined) return failure.message;
  return `${statusLine(failure.status)}: ${failure.message}`;
}

function providerErrorOf(failure: FailureInfo, context: RetryContext, attempts: number): ProviderError {
  const { provider, keyEnv } = context;
  const { status } = failure;
  let line: string;
  if (status === 401) {
    const hint = keyEnv ? `; check ${keyEnv}` : "";
    line = `${provider}: the API key was rejected (401 Unauthorized${hint}): ${failure.message}`;
  } else if (status === 403) {
    line = `${provider}: access denied (403 Forbidden): ${failure.message}`;
  } else if (!failure.retryable && isContextOverflowMessage(failure.message)) {
    return new ContextOverflowError(oneLine(`${provider}: ${failureLine(failure)}`), status, false);
  } else if (failure.retryable) {
    const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
    line = `${provider}: ${withAttempts(failureLine(failure), tries)}`;
  } else {
    line = `${provider}: ${failureLine(failure)}`;
  }
  return new ProviderError(oneLine(line), status, failure.retryable);
}

/** Puts "after N attempts" right after the status, before the provider's message. */
function withAttempts(line: string, tries: string): string {
  const colon = line.indexOf(": ");
  if (colon === -1) return `${line} (after ${tries})`;
  return `${line.slice(0, colon)} after ${tries}${line.slice(colon)}`;
}

/** Error messages are one line of at most 500 characters. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
