// The model client's attempts run in the model worker (src/providers/model-worker/): these follow a
// request across the thread boundary and back, against the fake server's real wire formats — an
// abort that must reach the worker, retry-after headers and error bodies that must come back, two
// streams at once in the one worker.
import { APICallError } from "ai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AbortedError, ProviderError } from "../../src/core/errors.ts";
import { userMessage } from "../../src/core/messages.ts";
import type { ModelClient, ModelRequest, ModelStreamEvent } from "../../src/core/model.ts";
import { fromWireError, toWireError } from "../../src/providers/model-worker/wire-error.ts";
import { resolveModel } from "../../src/providers/resolve.ts";
import { UnexpectedResponseError } from "../../src/providers/response-check.ts";
import { describeFailure, StreamCutError } from "../../src/providers/retry.ts";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";

let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer();
});

afterAll(async () => {
  await server.close();
});

function client(env: Record<string, string> = {}): ModelClient {
  return resolveModel("anthropic/claude-sonnet-4-5", {
    env: { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: server.url, TACIT_RETRY_BASE_MS: "1", ...env },
  });
}

function request(text = "hello"): ModelRequest {
  return { system: "You are a test.", messages: [userMessage(text)], tools: [] };
}

async function collect(model: ModelClient, modelRequest = request(), signal = new AbortController().signal) {
  const events: ModelStreamEvent[] = [];
  for await (const event of model.stream(modelRequest, signal)) events.push(event);
  return events;
}

const textOf = (events: ModelStreamEvent[]) =>
  events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");

describe("the model worker", () => {
  it("carries an abort mid-stream to the worker, which stops the request", async () => {
    const start = server.requests.length;
    server.enqueue({ fault: { kind: "stall", afterText: "half an answer" } });
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    const failure = await (async () => {
      for await (const event of client().stream(request(), controller.signal)) {
        events.push(event);
        if (event.type === "text-delta") controller.abort();
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AbortedError);
    expect("half an answer".startsWith(textOf(events))).toBe(true);
    expect(textOf(events)).not.toBe("");
    // The stalled connection would stay open for good had the abort not reached the worker's request.
    await vi.waitFor(() => expect(server.requests[start]?.closedEarly).toBe(true), { timeout: 10_000 });
    expect(server.requests).toHaveLength(start + 1);
  });

  it.each([429, 500])("retries a %i after the wait its retry-after header asks for", async (status) => {
    const start = server.requests.length;
    // 4 ms: with the header lost on the way, the wait would be the jittered backoff, under 1 ms here.
    server.enqueue({ fault: { kind: "status", status, retryAfter: "0.004" } }, { text: "after the wait" });
    const events = await collect(client());
    expect(events.filter((event) => event.type === "retry")).toEqual([
      { type: "retry", attempt: 1, delayMs: 4, reason: expect.stringContaining(String(status)) },
    ]);
    expect(textOf(events)).toBe("after the wait");
    expect(server.requests.length - start).toBe(2);
  });

  it("brings back the provider's own words and status in the one line", async () => {
    server.enqueue({
      fault: {
        kind: "status",
        status: 400,
        body: JSON.stringify({
          type: "error",
          error: { type: "invalid_request_error", message: "no such tool" },
        }),
      },
    });
    const failure = await collect(client()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).message).toBe("anthropic: 400 Bad Request: no such tool");
    expect((failure as ProviderError).status).toBe(400);
  });

  it("brings back the idle watchdog's cut, which is retried", async () => {
    const start = server.requests.length;
    server.enqueue({ fault: { kind: "stall", afterText: "then silence" } }, { text: "the whole answer" });
    const events = await collect(client({ TACIT_STREAM_IDLE_MS: "200" }));
    const retry = events.find((event) => event.type === "retry");
    expect(retry).toMatchObject({ attempt: 1, reason: "no data from the provider for 0 s" });
    expect(textOf(events.slice(events.indexOf(retry as ModelStreamEvent)))).toBe("the whole answer");
    expect(server.requests.length - start).toBe(2);
  });

  it("rehearses the request path when warmed up, sending nothing", async () => {
    const start = server.requests.length;
    const model = client();
    model.warmUp?.();
    server.enqueue({ text: "the real answer" });
    expect(textOf(await collect(model))).toBe("the real answer");
    server.enqueue({ text: "and another" });
    expect(textOf(await collect(model))).toBe("and another");
    // The rehearsal's request stops at its fetch: only the two real ones reached the server.
    expect(server.requests.slice(start).map((sent) => sent.normalized.system)).toEqual([
      "You are a test.",
      "You are a test.",
    ]);
  });

  it("serves two streams at once, each its own events", async () => {
    const replies: Record<string, string> = {
      first: "The first answer, in several words so it streams in many parts.",
      second: "And the second one, also long enough to stream in many parts.",
    };
    // Neither reply goes out until both requests are in: streams run one at a time would never get there.
    let bothIn: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      bothIn = resolve;
    });
    let seen = 0;
    server.onRequest(async (recorded) => {
      if (++seen === 2) bothIn();
      await arrived;
      return { text: replies[recorded.normalized.messages.at(-1)?.text ?? ""] ?? "?" };
    });
    try {
      const model = client();
      const [first, second] = await Promise.all([
        collect(model, request("first")),
        collect(client(), request("second")),
      ]);
      expect(textOf(first)).toBe(replies.first);
      expect(textOf(second)).toBe(replies.second);
      expect(first.filter((event) => event.type === "finish")).toHaveLength(1);
      expect(second.filter((event) => event.type === "finish")).toHaveLength(1);
    } finally {
      server.onRequest(() => undefined);
    }
  });
});

describe("a failure carried across threads", () => {
  const networkCause = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
  const failures: [string, unknown][] = [
    [
      "the SDK's API error with retry-after and the provider's body",
      new APICallError({
        message: "Overloaded",
        url: "https://api.example.com/v1/messages",
        requestBodyValues: { messages: ["the whole conversation"] },
        statusCode: 529,
        responseHeaders: { "retry-after": "7" },
        responseBody: '{"error":{"message":"Overloaded"}}',
        data: { error: { message: "Overloaded" } },
        isRetryable: true,
      }),
    ],
    ["a network error down the cause chain", new TypeError("fetch failed", { cause: networkCause })],
    ["the idle watchdog's cut", new StreamCutError("no data from the provider for 300 s")],
    [
      "a web page where the API should be",
      new UnexpectedResponseError({
        status: 200,
        contentType: "text/html",
        url: "http://x/v1",
        firstBytes: "<!DOCTYPE",
      }),
    ],
    [
      "a provider's error event, a plain object",
      { type: "error", error: { type: "api_error", message: "boom" } },
    ],
  ];

  it.each(failures)("reads the same on both sides: %s", (_name, failure) => {
    const carried = fromWireError(structuredClone(toWireError(failure)));
    expect(describeFailure(carried, 0)).toEqual(describeFailure(failure, 0));
    if (failure instanceof Error) {
      expect((carried as Error).name).toBe(failure.name);
      expect((carried as Error).message).toBe(failure.message);
    }
    for (const ownClass of [StreamCutError, UnexpectedResponseError, TypeError])
      if (failure instanceof ownClass) expect(carried).toBeInstanceOf(ownClass);
  });

  it("keeps the class of tacit's own errors and leaves the request body behind", () => {
    const carried = fromWireError(toWireError(new AbortedError()));
    expect(carried).toBeInstanceOf(AbortedError);
    const apiError = fromWireError(toWireError(failures[0]![1])) as Record<string, unknown>;
    expect(apiError.requestBodyValues).toBeUndefined();
    expect(apiError.responseHeaders).toEqual({ "retry-after": "7" });
  });
});
