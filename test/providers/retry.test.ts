import { describe, expect, it } from "vitest";
import { AbortedError, ConfigError, ProviderError } from "../../src/core/errors.ts";
import type { ModelStreamEvent } from "../../src/core/model.ts";
import { UnexpectedResponseError } from "../../src/providers/response-check.ts";
import {
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MAX_ATTEMPTS,
  describeFailure,
  isRetryableStatus,
  parseRetryAfter,
  resolveRetryOptions,
  retryDelay,
  retryingOnce,
  StreamCutError,
  statusLine,
  withRetry,
} from "../../src/providers/retry.ts";

/** Shaped like the AI SDK's APICallError, which is what the providers throw. */
function apiError(statusCode: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { name: "AI_APICallError", statusCode, responseHeaders: headers });
}

const finish: ModelStreamEvent = {
  type: "finish",
  finishReason: "stop",
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
};

describe("resolveRetryOptions", () => {
  it("defaults to four attempts and a one-second base", () => {
    const options = resolveRetryOptions({});
    expect(options.maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(options.maxAttempts).toBe(4);
    expect(options.baseDelayMs).toBe(DEFAULT_BASE_DELAY_MS);
  });

  it("reads TACIT_MAX_RETRIES (retries after the first) and TACIT_RETRY_BASE_MS", () => {
    const options = resolveRetryOptions({ TACIT_MAX_RETRIES: "2", TACIT_RETRY_BASE_MS: "5" });
    expect(options.maxAttempts).toBe(3);
    expect(options.baseDelayMs).toBe(5);
    expect(resolveRetryOptions({ TACIT_MAX_RETRIES: "0" }).maxAttempts).toBe(1);
  });

  it("ignores unreadable values, and explicit options win", () => {
    expect(resolveRetryOptions({ TACIT_MAX_RETRIES: "lots", TACIT_RETRY_BASE_MS: "-3" })).toMatchObject({
      maxAttempts: 4,
      baseDelayMs: 1000,
    });
    expect(resolveRetryOptions({ TACIT_MAX_RETRIES: "9" }, { maxAttempts: 2 }).maxAttempts).toBe(2);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");

  it("reads seconds, retry-after-ms and HTTP dates", () => {
    expect(parseRetryAfter({ "retry-after": "3" }, now)).toBe(3000);
    expect(parseRetryAfter({ "Retry-After": "1.5" }, now)).toBe(1500);
    expect(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "9" }, now)).toBe(250);
    expect(parseRetryAfter({ "retry-after": "Sun, 01 Jun 2025 12:00:07 GMT" }, now)).toBe(7000);
  });

  it("treats past dates as no wait and junk as absent", () => {
    expect(parseRetryAfter({ "retry-after": "Sun, 01 Jun 2025 11:00:00 GMT" }, now)).toBe(0);
    expect(parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });
});

describe("retryDelay", () => {
  const options = resolveRetryOptions({}, { baseDelayMs: 100, maxDelayMs: 1000 });

  it("stays within full-jitter bounds: [0, base * 2^(attempt-1)], capped", () => {
    for (const [attempt, ceiling] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [5, 1000],
      [9, 1000],
    ] as const) {
      expect(retryDelay(attempt, { ...options, random: () => 0 })).toBe(0);
      const highest = retryDelay(attempt, { ...options, random: () => 0.999999 });
      expect(highest).toBeLessThanOrEqual(ceiling);
      expect(highest).toBeGreaterThanOrEqual(ceiling - 1);
      for (let sample = 0; sample < 50; sample++) {
        const delay = retryDelay(attempt, options);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("uses retry-after when given, capped at the maximum", () => {
    expect(retryDelay(1, options, 700)).toBe(700);
    expect(retryDelay(1, options, 120_000)).toBe(1000);
  });
});

describe("which failures retry", () => {
  it("retries 408, 409, 429, 5xx and 529; not other 4xx", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 529])
      expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 413, 422]) expect(isRetryableStatus(status)).toBe(false);
  });

  it("reads status, retry-after and the provider's message from SDK errors", () => {
    const failure = describeFailure(apiError(429, "rate limited", { "retry-after": "2" }));
    expect(failure).toEqual({ retryable: true, status: 429, message: "rate limited", retryAfterMs: 2000 });
    const nested = Object.assign(apiError(400, "Bad Request"), {
      data: { error: { message: "prompt is too long" } },
    });
    expect(describeFailure(nested)).toMatchObject({
      retryable: false,
      status: 400,
      message: "prompt is too long",
    });
  });

  it("retries overloaded errors sent inside a stream, network errors and cut streams", () => {
    expect(describeFailure({ type: "overloaded_error", message: "Overloaded" }).retryable).toBe(true);
    const reset = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("read"), { code: "ECONNRESET" }),
    });
    expect(describeFailure(reset).retryable).toBe(true);
    expect(describeFailure(new StreamCutError()).retryable).toBe(true);
    const midStream = Object.assign(apiError(200, "Failed to process successful response"), {
      cause: new TypeError("terminated"),
    });
    expect(describeFailure(midStream)).toEqual({
      retryable: true,
      message: "the response stream was cut (terminated)",
    });
  });

  it("does not retry plain programming errors", () => {
    expect(describeFailure(new RangeError("bad index")).retryable).toBe(false);
  });
});

describe("withRetry", () => {
  const fast = resolveRetryOptions({}, { baseDelayMs: 1, random: () => 0 });

  async function drain(source: AsyncIterable<ModelStreamEvent>) {
    const events: ModelStreamEvent[] = [];
    try {
      for await (const event of source) events.push(event);
      return { events, error: undefined };
    } catch (error) {
      return { events, error };
    }
  }

  it("yields a retry event before each new attempt and finishes on success", async () => {
    let calls = 0;
    const { events, error } = await drain(
      withRetry(
        async function* () {
          calls++;
          if (calls < 3) throw apiError(503, "busy");
          yield { type: "text-delta", text: "ok" };
          yield finish;
        },
        { provider: "anthropic", options: fast, signal: new AbortController().signal },
      ),
    );
    expect(error).toBeUndefined();
    expect(calls).toBe(3);
    expect(events.map((event) => event.type)).toEqual(["retry", "retry", "text-delta", "finish"]);
    expect(events[0]).toEqual({
      type: "retry",
      attempt: 1,
      delayMs: 0,
      reason: "503 Service Unavailable: busy",
    });
  });

  it("treats a stream that ends without finish as cut", async () => {
    let calls = 0;
    const { events } = await drain(
      withRetry(
        async function* () {
          calls++;
          yield { type: "text-delta", text: calls === 1 ? "half" : "whole" };
          if (calls > 1) yield finish;
        },
        { provider: "openai", options: fast, signal: new AbortController().signal },
      ),
    );
    expect(events.map((event) => (event.type === "text-delta" ? event.text : event.type))).toEqual([
      "half",
      "retry",
      "whole",
      "finish",
    ]);
  });

  it("fails at once on a 400 with one line", async () => {
    let calls = 0;
    const { error } = await drain(
      withRetry(
        // biome-ignore lint/correctness/useYield: this attempt fails before it yields anything.
        async function* () {
          calls++;
          throw apiError(400, "tools.0.name: String should match pattern");
        },
        { provider: "anthropic", options: fast, signal: new AbortController().signal },
      ),
    );
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toBe(
      "anthropic: 400 Bad Request: tools.0.name: String should match pattern",
    );
  });

  it("names the key env var when the key is rejected", async () => {
    const { error } = await drain(
      withRetry(
        // biome-ignore lint/correctness/useYield: this attempt fails before it yields anything.
        async function* () {
          throw apiError(401, "invalid x-api-key");
        },
        {
          provider: "anthropic",
          keyEnv: "ANTHROPIC_API_KEY",
          options: fast,
          signal: new AbortController().signal,
        },
      ),
    );
    expect((error as ProviderError).message).toBe(
      "anthropic: the API key was rejected (401 Unauthorized; check ANTHROPIC_API_KEY): invalid x-api-key",
    );
  });

  it("reports exhausted retries with the attempt count", async () => {
    const { events, error } = await drain(
      withRetry(
        // biome-ignore lint/correctness/useYield: this attempt fails before it yields anything.
        async function* () {
          throw apiError(529, "Overloaded");
        },
        { provider: "anthropic", options: { ...fast, maxAttempts: 2 }, signal: new AbortController().signal },
      ),
    );
    expect(events.filter((event) => event.type === "retry")).toHaveLength(1);
    expect((error as ProviderError).message).toBe("anthropic: 529 Overloaded after 2 attempts: Overloaded");
    expect((error as ProviderError).status).toBe(529);
  });

  it("an abort is never retried", async () => {
    const controller = new AbortController();
    let calls = 0;
    const { error } = await drain(
      withRetry(
        async function* () {
          calls++;
          yield { type: "text-delta", text: "a" };
          controller.abort();
          throw Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
        },
        { provider: "openai", options: fast, signal: controller.signal },
      ),
    );
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(AbortedError);
  });
});

/** The same loop serves embeddings: one answer per request, no retry events. */
describe("retryingOnce", () => {
  const finalError = (failure: { status?: number; message: string; retryable: boolean }, attempts: number) =>
    new ProviderError(
      `${failure.status === undefined ? "" : `${statusLine(failure.status)} `}after ${attempts}: ${failure.message}`,
      failure.status,
      failure.retryable,
    );

  it("retries 429 and 5xx (529 included), and answers with the first success", async () => {
    const failures = [apiError(429, "slow down"), apiError(500, "oops"), apiError(529, "Overloaded")];
    let calls = 0;
    const answer = await retryingOnce(
      async () => {
        const failure = failures[calls++];
        if (failure) throw failure;
        return [[1, 2]];
      },
      { options: resolveRetryOptions({}, { baseDelayMs: 1, random: () => 0 }), finalError },
    );
    expect(answer).toEqual([[1, 2]]);
    expect(calls).toBe(4);
  });

  it("waits what retry-after says instead of drawing a jittered backoff", async () => {
    let draws = 0;
    let calls = 0;
    const options = resolveRetryOptions({}, { random: () => draws++ / 1000 });
    await retryingOnce(
      async () => {
        if (calls++ === 0) throw apiError(429, "slow down", { "retry-after-ms": "1" });
        return "done";
      },
      { options, finalError },
    );
    expect(calls).toBe(2);
    expect(draws).toBe(0);
  });

  it("gives up after the attempts allowed, naming the status and the count", async () => {
    let calls = 0;
    const failed = retryingOnce(
      async () => {
        calls++;
        throw apiError(529, "Overloaded");
      },
      { options: resolveRetryOptions({}, { maxAttempts: 1 }), finalError },
    );
    await expect(failed).rejects.toThrow("529 Overloaded after 1: Overloaded");
    expect(calls).toBe(1);
  });

  it("an HTML page on a 200 is final; a proxy's HTML 502 is retried", async () => {
    const page = (status: number) =>
      new UnexpectedResponseError({
        status,
        contentType: "text/html",
        url: "http://portal.example/v1/embeddings",
        firstBytes: "<html>",
      });
    const options = resolveRetryOptions({}, { baseDelayMs: 1, random: () => 0, maxAttempts: 3 });
    let calls = 0;
    const portal = retryingOnce(
      async () => {
        calls++;
        throw page(200);
      },
      { options, finalError },
    );
    await expect(portal).rejects.toThrow(/after 1: .*answered 200 with text\/html/);
    expect(calls).toBe(1);
    calls = 0;
    const proxy = retryingOnce(
      async () => {
        if (calls++ === 0) throw page(502);
        return "through";
      },
      { options, finalError },
    );
    await expect(proxy).resolves.toBe("through");
  });

  it("passes a ConfigError through as it is, and an abort as AbortedError", async () => {
    const options = resolveRetryOptions({}, { baseDelayMs: 1, random: () => 0 });
    const refused = new ConfigError("memory.embeddingModel: no key");
    await expect(
      retryingOnce(
        async () => {
          throw refused;
        },
        { options, finalError },
      ),
    ).rejects.toBe(refused);
    const controller = new AbortController();
    const aborted = retryingOnce(
      async () => {
        controller.abort();
        throw Object.assign(new Error("fetch failed"), { code: "ECONNRESET" });
      },
      { options, signal: controller.signal, finalError },
    );
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
  });
});
