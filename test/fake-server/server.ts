// A local fake model server that speaks the real streaming wire formats
// (Anthropic Messages, OpenAI Responses, OpenAI Chat Completions, Google
// Gemini generateContent; plus OpenAI embeddings, answered with deterministic concept vectors), so the real
// AI SDK providers can talk to it. It answers from a script, rejects malformed
// requests with the wire's own 400 error, and records every request.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { contextOverflowReply } from "./context-window.ts";
import type {
  FakeServer,
  FakeServerOptions,
  Fault,
  NormalizedRequest,
  RecordedRequest,
  ReplyContext,
  ScriptedReply,
  Step,
  Wire,
} from "./types.ts";
import { anthropicWire } from "./wire-anthropic.ts";
import {
  checkToolPairing,
  estimateTokens,
  isObject,
  type JsonObject,
  replyCharacters,
  type WireAdapter,
} from "./wire-common.ts";
import { createGoogleWire, matchGoogleRoute } from "./wire-google.ts";
import { openaiChatWire } from "./wire-openai-chat.ts";
import {
  embeddingInputs,
  embeddingsErrorBody,
  embeddingsReply,
  normalizeEmbeddings,
} from "./wire-openai-embeddings.ts";
import { createResponsesWire } from "./wire-openai-responses.ts";

export type {
  FakeServer,
  FakeServerOptions,
  RecordedRequest,
  ScriptedToolCall,
  Step,
  Wire,
} from "./types.ts";

const emptyNormalized = (): NormalizedRequest => ({ system: "", messages: [], toolNames: [] });

function isFaultStep(step: Step): step is { fault: Fault } {
  return "fault" in step && step.fault !== undefined;
}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const defaultReply: ScriptedReply = options.defaultReply ?? { text: "done" };
  const queue: Step[] = [];
  const requests: RecordedRequest[] = [];
  const errors: string[] = [];
  const modelListReads: string[] = [];
  let handler: ((request: RecordedRequest) => Step | undefined | Promise<Step | undefined>) | undefined;
  const embeddingFaults: Fault[] = [];
  let contextWindow: number | undefined;
  let idCounter = 0;
  const nextId = () => ++idCounter;

  const routes = new Map<string, WireAdapter>();
  const responsesWire = createResponsesWire();
  for (const prefix of ["/v1", ""]) {
    routes.set(`${prefix}/messages`, anthropicWire);
    routes.set(`${prefix}/responses`, responsesWire);
    routes.set(`${prefix}/chat/completions`, openaiChatWire);
  }

  function reject(
    response: ServerResponse,
    adapter: WireAdapter,
    recorded: RecordedRequest,
    reason: string,
  ): void {
    errors.push(`${adapter.wire} ${recorded.path}: ${reason}`);
    recorded.rejection = reason;
    sendJson(response, 400, adapter.errorBody(400, reason));
  }

  async function handleModelRequest(
    request: IncomingMessage,
    response: ServerResponse,
    adapter: WireAdapter,
    path: string,
  ): Promise<void> {
    const rawBody = await readBody(request);
    const headers = flattenHeaders(request);
    const recorded: RecordedRequest = {
      wire: adapter.wire,
      path,
      headers,
      body: rawBody,
      receivedAt: Date.now(),
      normalized: emptyNormalized(),
    };
    requests.push(recorded);
    try {
      await answer(response, adapter, recorded, rawBody);
    } finally {
      options.onRecord?.(recorded);
    }
  }

  async function answer(
    response: ServerResponse,
    adapter: WireAdapter,
    recorded: RecordedRequest,
    rawBody: string,
  ): Promise<void> {
    const headers = recorded.headers;
    let body: JsonObject;
    try {
      const parsed: unknown = JSON.parse(rawBody);
      if (!isObject(parsed)) return reject(response, adapter, recorded, "body must be a JSON object");
      body = parsed;
      recorded.body = parsed;
    } catch {
      return reject(response, adapter, recorded, "body is not valid JSON");
    }

    const headerProblem = adapter.checkHeaders(headers);
    if (headerProblem) return reject(response, adapter, recorded, headerProblem);
    const bodyProblem = adapter.checkBody(body);
    if (bodyProblem) return reject(response, adapter, recorded, bodyProblem);
    try {
      recorded.normalized = adapter.normalize(body);
    } catch (error) {
      return reject(response, adapter, recorded, `malformed request: ${String(error)}`);
    }
    const pairingProblem = checkToolPairing(recorded.normalized.messages);
    if (pairingProblem) return reject(response, adapter, recorded, pairingProblem);

    const requestTokens = estimateTokens(rawBody.length);
    if (contextWindow !== undefined && requestTokens > contextWindow) {
      recorded.contextOverflow = true;
      const overflow = contextOverflowReply(adapter.wire, requestTokens, contextWindow);
      return sendJson(response, overflow.status, overflow.body);
    }

    let step: Step | undefined;
    try {
      step = await handler?.(recorded);
    } catch (error) {
      errors.push(`onRequest handler threw: ${String(error)}`);
      return sendJson(response, 500, adapter.errorBody(500, "fake server handler failed"));
    }
    step ??= queue.shift() ?? defaultReply;

    const reply: ScriptedReply = isFaultStep(step)
      ? {
          text:
            step.fault.kind === "status" || step.fault.kind === "html" ? "" : (step.fault.afterText ?? ""),
        }
      : step;
    const context: ReplyContext = {
      model: typeof body.model === "string" ? body.model : "fake-model",
      nextId,
      inputTokens: reply.usage?.inputTokens ?? estimateTokens(rawBody.length),
      outputTokens: reply.usage?.outputTokens ?? estimateTokens(replyCharacters(reply)),
    };
    if (isFaultStep(step)) return sendFault(response, adapter, step.fault, context, adapter.isStream(body));
    if (!adapter.isStream(body)) return sendJson(response, 200, adapter.jsonReply(reply, context));
    startEventStream(response);
    for (const event of adapter.streamEvents(reply, context)) response.write(event);
    response.end();
  }

  async function handleEmbeddingsRequest(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> {
    const rawBody = await readBody(request);
    const recorded: RecordedRequest = {
      wire: "openai-embeddings",
      path,
      headers: flattenHeaders(request),
      body: rawBody,
      receivedAt: Date.now(),
      normalized: emptyNormalized(),
    };
    requests.push(recorded);
    const refuse = (reason: string) => {
      errors.push(`openai-embeddings ${path}: ${reason}`);
      recorded.rejection = reason;
      sendJson(response, 400, embeddingsErrorBody(400, reason));
    };
    try {
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return refuse("body is not valid JSON");
      }
      if (!isObject(body)) return refuse("body must be a JSON object");
      recorded.body = body;
      const inputs = embeddingInputs(body);
      if (!Array.isArray(inputs)) return refuse(inputs.problem);
      recorded.normalized = normalizeEmbeddings(body);
      const fault = embeddingFaults.shift();
      if (fault?.kind === "status") {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        response.writeHead(fault.status, headers);
        response.end(
          fault.body ??
            JSON.stringify(embeddingsErrorBody(fault.status, `fake fault: status ${fault.status}`)),
        );
        return;
      }
      if (fault?.kind === "cut") {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"object":"list","data":[', () => response.socket?.destroy());
        return;
      }
      sendJson(response, 200, embeddingsReply(body.model as string, inputs));
    } finally {
      options.onRecord?.(recorded);
    }
  }

  const server = createServer((request, response) => {
    const [path = "/", query = ""] = (request.url ?? "/").split("?");
    if (request.method === "POST" && (path === "/v1/embeddings" || path === "/embeddings")) {
      handleEmbeddingsRequest(request, response, path).catch((error: unknown) => {
        errors.push(`internal error on ${path}: ${String(error)}`);
        if (!response.headersSent)
          sendJson(response, 500, embeddingsErrorBody(500, "fake server internal error"));
        else response.destroy();
      });
      return;
    }
    // Gemini puts the model and the method in the path, so its adapter is made per request.
    const googleRoute = matchGoogleRoute(path, new URLSearchParams(query));
    const adapter = routes.get(path) ?? (googleRoute ? createGoogleWire(googleRoute) : undefined);
    if (request.method === "POST" && adapter) {
      handleModelRequest(request, response, adapter, path).catch((error: unknown) => {
        errors.push(`internal error on ${path}: ${String(error)}`);
        if (!response.headersSent)
          sendJson(response, 500, adapter.errorBody(500, "fake server internal error"));
        else response.destroy();
      });
      return;
    }
    if (request.method === "GET" && (path === "/v1/models" || path === "/models")) {
      request.resume();
      modelListReads.push(path);
      return sendJson(response, 200, modelList());
    }
    // Gemini's model list (GET /v1beta/models) and Ollama's own (GET /api/tags).
    if (request.method === "GET" && (path === "/v1beta/models" || path === "/api/tags")) {
      request.resume();
      modelListReads.push(path);
      return sendJson(response, 200, path === "/api/tags" ? ollamaTags() : geminiModelList());
    }
    // Ollama's model details (POST /api/show {model}): what each pulled model can do.
    if (request.method === "POST" && path === "/api/show") {
      readBody(request).then(
        (raw) => {
          const shown = ollamaShow(raw);
          return shown
            ? sendJson(response, 200, shown)
            : sendJson(response, 404, { error: "model not found" });
        },
        () => response.destroy(),
      );
      return;
    }
    request.resume();
    errors.push(`unknown route ${request.method} ${path}`);
    sendJson(response, 404, {
      error: { type: "not_found_error", message: `no route ${request.method} ${path}` },
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    errors,
    modelListReads,
    enqueue(...steps: Step[]) {
      queue.push(...steps);
    },
    onRequest(newHandler) {
      handler = newHandler;
    },
    failEmbeddings(...faults: Fault[]) {
      embeddingFaults.push(...faults);
    },
    setContextWindow(tokens) {
      contextWindow = tokens;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients keep sockets alive; without this close() would wait for them.
        server.closeAllConnections();
      });
    },
  };
}

function sendFault(
  response: ServerResponse,
  adapter: WireAdapter,
  fault: Fault,
  context: ReplyContext,
  stream: boolean,
): void {
  if (fault.kind === "status") {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
    response.writeHead(fault.status, headers);
    response.end(
      fault.body ?? JSON.stringify(adapter.errorBody(fault.status, `fake fault: status ${fault.status}`)),
    );
    return;
  }
  if (fault.kind === "html") {
    response.writeHead(fault.status ?? 200, {
      "content-type": fault.contentType ?? "text/html; charset=utf-8",
    });
    response.end(fault.body ?? CAPTIVE_PORTAL_PAGE);
    return;
  }
  // A cut: the reply starts like a good one, then the connection dies before
  // the final event, the way a dropped network or a crashed upstream looks. A
  // stall starts the same way and then sends nothing more, like a hung proxy.
  let partial: string;
  if (stream) {
    startEventStream(response);
    partial = adapter.cutEvents(fault.afterText ?? "partial answer", context).join("");
  } else {
    response.writeHead(200, { "content-type": "application/json" });
    partial = '{"id":"cut';
  }
  // A stall keeps the connection open and silent (close() ends it); a cut drops it; a short reply
  // ends the response as if it were whole.
  if (fault.kind === "stall") response.write(partial);
  else if (fault.kind === "short") response.end(partial);
  else response.write(partial, () => response.socket?.destroy());
}

/** What a hotel or airport Wi-Fi answers to every request until its terms are accepted. */
const CAPTIVE_PORTAL_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Welcome to Airport Wi-Fi</title></head><body><h1>Accept the terms to continue</h1><form method="post" action="/login"><button>Connect</button></form></body></html>\n';

function startEventStream(response: ServerResponse): void {
  response.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function modelList(): unknown {
  const createdAt = new Date(0).toISOString();
  const entry = (id: string) => ({
    id,
    object: "model",
    type: "model",
    display_name: id,
    created: 0,
    created_at: createdAt,
    owned_by: "fake",
  });
  const data = [entry("fake-model"), entry("claude-fake"), entry("gpt-fake")];
  return { object: "list", data, has_more: false, first_id: "fake-model", last_id: "gpt-fake" };
}

/** Gemini's models.list answer: names carry a "models/" prefix; limits are the model's own. */
function geminiModelList(): unknown {
  const entry = (id: string) => ({
    name: `models/${id}`,
    displayName: id,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ["generateContent", "countTokens"],
  });
  return { models: [entry("gemini-3.8-flash"), entry("gemini-fake")] };
}

/**
 * The models the fake Ollama has pulled, with the `capabilities` its /api/show reports (Ollama since
 * April 2025); undefined: a model shown without them, as an older Ollama answers.
 */
const OLLAMA_MODELS: Record<string, string[] | undefined> = {
  "qwen3:8b": ["completion", "tools", "thinking"],
  "gpt-oss:20b": ["completion", "tools", "thinking"],
  "llava:7b": ["completion", "vision"],
  "gemma3:latest": ["completion", "vision"],
  "mystery:1b": undefined,
};

/** Ollama's /api/tags: the models pulled onto the machine, tagged by size. */
function ollamaTags(): unknown {
  const entry = (name: string) => ({ name, model: name, modified_at: new Date(0).toISOString(), size: 1 });
  return { models: Object.keys(OLLAMA_MODELS).map(entry) };
}

/** Ollama's /api/show answer for the model the body names, or undefined for one not pulled. */
function ollamaShow(raw: string): unknown {
  let name: unknown;
  try {
    name = (JSON.parse(raw) as { model?: unknown }).model;
  } catch {
    return undefined;
  }
  if (typeof name !== "string" || !(name in OLLAMA_MODELS)) return undefined;
  const capabilities = OLLAMA_MODELS[name];
  return {
    modelfile: "",
    details: { format: "gguf", family: name.split(":")[0] },
    model_info: { "general.architecture": name.split(":")[0] },
    ...(capabilities ? { capabilities } : {}),
  };
}

// The chat wire names, for tests that run one scenario on every wire.
export const wires: readonly Wire[] = ["anthropic", "openai-responses", "openai-chat", "google"];
