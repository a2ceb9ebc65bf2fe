// Google Gemini: POST /v1beta/models/<model>:generateContent and
// :streamGenerateContent?alt=sse. Shapes follow the zod schemas in
// @ai-sdk/google (responseSchema, chunkSchema, googleErrorDataSchema). The
// model and the stream flag live in the URL, not the body, so the server makes
// one adapter per request from the route (see matchGoogleRoute).

import type { NormalizedMessage, NormalizedToolCall, ReplyContext, ScriptedReply } from "./types.ts";
import {
  appendText,
  asArray,
  asObject,
  asString,
  isObject,
  type JsonObject,
  pushMessage,
  splitText,
  sseEvent,
  type WireAdapter,
} from "./wire-common.ts";
import { endingWord } from "./wire-endings.ts";

const routePattern = /^(?:\/v1beta)?\/models\/([^/:]*):(generateContent|streamGenerateContent)$/;

export interface GoogleRoute {
  model: string;
  stream: boolean;
  /** The `alt` query parameter; streaming is only spoken as SSE here. */
  alt: string | undefined;
  /** The `key` query parameter, Google's other way to pass the API key. */
  queryKey: string | undefined;
}

/** Parses a Gemini model route, or returns undefined when the path is not one. */
export function matchGoogleRoute(path: string, query: URLSearchParams): GoogleRoute | undefined {
  const match = routePattern.exec(path);
  if (!match) return undefined;
  return {
    model: decodeURIComponent(match[1] ?? ""),
    stream: match[2] === "streamGenerateContent",
    alt: query.get("alt") ?? undefined,
    queryKey: query.get("key") ?? undefined,
  };
}

const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

// A stand-in for the opaque signature Gemini puts on function calls; real
// clients must send it back unchanged with the call in the next request.
function fakeThoughtSignature(id: number): string {
  return Buffer.from(`fake-thought-signature-${id}`).toString("base64");
}

function usageOf(context: ReplyContext) {
  return {
    promptTokenCount: context.inputTokens,
    candidatesTokenCount: context.outputTokens,
    totalTokenCount: context.inputTokens + context.outputTokens,
  };
}

function functionCallParts(reply: ScriptedReply, context: ReplyContext): JsonObject[] {
  return (reply.toolCalls ?? []).map((call, index) => {
    const functionCall: JsonObject = { name: call.name, args: call.input ?? {} };
    // Gemini sends no call ids of its own; a scripted id is passed through so
    // tests can still pin one.
    if (call.id !== undefined) functionCall.id = call.id;
    const part: JsonObject = { functionCall };
    if (index === 0) part.thoughtSignature = fakeThoughtSignature(context.nextId());
    return part;
  });
}

function candidate(
  parts: JsonObject[] | undefined,
  finishReason?: string,
  finishMessage?: string,
): JsonObject {
  const value: JsonObject =
    parts === undefined ? { index: 0 } : { content: { role: "model", parts }, index: 0 };
  if (finishReason !== undefined) value.finishReason = finishReason;
  if (finishMessage !== undefined) value.finishMessage = finishMessage;
  return value;
}

function chunk(model: string, responseId: string, body: JsonObject): string {
  return sseEvent(undefined, { ...body, modelVersion: model, responseId });
}

function textOfResponse(response: unknown): { output: string; isError: boolean } {
  const object = asObject(response);
  const isError = object.error !== undefined;
  const value = isError ? object.error : (object.content ?? object.output ?? object.result ?? response);
  return { output: typeof value === "string" ? value : JSON.stringify(value), isError };
}

/**
 * Gemini has no required call ids: a functionResponse answers the functionCall
 * of the same name in the model turn just before it, in order. When both sides
 * carry an id (as @ai-sdk/google sends them) the ids must agree too. A
 * response that matches nothing there gets an id no call has, so the shared
 * pairing check rejects it; calls left open stay open and are reported.
 */
class TurnPairing {
  private calls: NormalizedToolCall[] = [];
  private readonly answered = new Set<NormalizedToolCall>();
  private synthetic = 0;

  startModelTurn(): void {
    this.calls = [];
    this.answered.clear();
  }

  addCall(name: string, id: string): string {
    const callId = id !== "" ? id : `gemini-call-${++this.synthetic}`;
    this.calls.push({ id: callId, name, input: undefined });
    return callId;
  }

  answer(name: string, id: string): string {
    const sameName = this.calls.filter((call) => call.name === name);
    const candidates = id !== "" ? sameName.filter((call) => call.id === id) : sameName;
    const open = candidates.find((call) => !this.answered.has(call));
    if (open) {
      this.answered.add(open);
      return open.id;
    }
    // Answered already: keep its id so the pairing check says "more than once".
    const repeated = candidates[0];
    if (repeated) return repeated.id;
    return `${id !== "" ? id : name} (no functionCall "${name}" in the model turn before)`;
  }
}

function normalizeContent(messages: NormalizedMessage[], pairing: TurnPairing, raw: unknown): void {
  const content = asObject(raw);
  const isModel = content.role === "model";
  if (isModel) pairing.startModelTurn();
  for (const rawPart of asArray(content.parts)) {
    const part = asObject(rawPart);
    if (isObject(part.functionCall)) {
      const call = part.functionCall;
      const name = asString(call.name);
      const id = pairing.addCall(name, asString(call.id));
      pushMessage(messages, "assistant").toolCalls.push({ id, name, input: call.args ?? {} });
    } else if (isObject(part.functionResponse)) {
      const response = part.functionResponse;
      const name = asString(response.name);
      pushMessage(messages, "tool").toolResults.push({
        id: pairing.answer(name, asString(response.id)),
        ...textOfResponse(response.response),
      });
    } else if (typeof part.text === "string") {
      // Thoughts are the model's own reasoning, not conversation text.
      if (part.thought === true) continue;
      appendText(pushMessage(messages, isModel ? "assistant" : "user"), part.text);
    } else {
      appendText(pushMessage(messages, isModel ? "assistant" : "user"), "[part]");
    }
  }
}

function checkContents(contents: unknown[]): string | undefined {
  for (const [index, raw] of contents.entries()) {
    if (!isObject(raw)) return `contents[${index}]: must be an object`;
    if (raw.role !== "user" && raw.role !== "model") {
      return `contents[${index}]: role must be "user" or "model"`;
    }
    const parts = raw.parts;
    if (!Array.isArray(parts) || parts.length === 0)
      return `contents[${index}]: parts must be a non-empty array`;
    for (const [partIndex, part] of parts.entries()) {
      const where = `contents[${index}].parts[${partIndex}]`;
      if (!isObject(part)) return `${where}: must be an object`;
      if (isObject(part.functionCall)) {
        if (raw.role !== "model") return `${where}: functionCall outside a model turn`;
        if (asString(part.functionCall.name) === "") return `${where}: functionCall without a name`;
      }
      if (isObject(part.functionResponse)) {
        if (raw.role !== "user") return `${where}: functionResponse outside a user turn`;
        if (asString(part.functionResponse.name) === "") return `${where}: functionResponse without a name`;
        if (!isObject(part.functionResponse.response))
          return `${where}: functionResponse.response must be an object`;
      }
    }
  }
  return undefined;
}

function checkTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return "tools must be an array";
  for (const [index, tool] of tools.entries()) {
    const declarations = asObject(tool).functionDeclarations;
    if (declarations === undefined) continue;
    if (!Array.isArray(declarations)) return `tools[${index}].functionDeclarations must be an array`;
    for (const [declarationIndex, raw] of declarations.entries()) {
      const declaration = asObject(raw);
      const where = `tools[${index}].functionDeclarations[${declarationIndex}]`;
      if (asString(declaration.name) === "") return `${where}: missing name`;
      for (const field of ["parameters", "parametersJsonSchema"]) {
        if (declaration[field] !== undefined && !isObject(declaration[field])) {
          return `${where}: ${field} must be a schema object`;
        }
      }
    }
  }
  return undefined;
}

/** One adapter per request, since the route carries the model, stream flag and maybe the key. */
export function createGoogleWire(route: GoogleRoute): WireAdapter {
  const model = route.model;
  return {
    wire: "google",

    checkHeaders(headers) {
      const key = headers["x-goog-api-key"] ?? route.queryKey;
      if (key === undefined || key.trim() === "")
        return "missing x-goog-api-key header (or key query parameter)";
      return undefined;
    },

    checkBody(body) {
      if (model === "") return "missing model in the URL (models/<model>:generateContent)";
      if (route.stream && route.alt !== "sse") return "streamGenerateContent needs ?alt=sse";
      if (!Array.isArray(body.contents)) return "contents must be an array";
      if (body.systemInstruction !== undefined && !Array.isArray(asObject(body.systemInstruction).parts)) {
        return "systemInstruction.parts must be an array";
      }
      return checkContents(body.contents) ?? checkTools(body.tools);
    },

    normalize(body) {
      const messages: NormalizedMessage[] = [];
      const pairing = new TurnPairing();
      for (const content of asArray(body.contents)) normalizeContent(messages, pairing, content);
      const system = asArray(asObject(body.systemInstruction).parts)
        .map((part) => asString(asObject(part).text))
        .join("\n\n");
      const toolNames = asArray(body.tools).flatMap((tool) =>
        asArray(asObject(tool).functionDeclarations).map((declaration) =>
          asString(asObject(declaration).name),
        ),
      );
      return { system, messages, toolNames };
    },

    isStream() {
      return route.stream;
    },

    errorBody(status, message) {
      const name = statusNames[status] ?? (status >= 500 ? "UNAVAILABLE" : "FAILED_PRECONDITION");
      return { error: { code: status, message, status: name } };
    },

    streamEvents(reply, context) {
      const responseId = `fake-response-${context.nextId()}`;
      const events: string[] = [];
      for (const piece of splitText(reply.reasoning ?? "")) {
        events.push(chunk(model, responseId, { candidates: [candidate([{ text: piece, thought: true }])] }));
      }
      for (const piece of splitText(reply.text ?? "")) {
        events.push(chunk(model, responseId, { candidates: [candidate([{ text: piece }])] }));
      }
      // Gemini sends each function call whole, args as an object, never in pieces.
      const calls = functionCallParts(reply, context);
      if (calls.length > 0) events.push(chunk(model, responseId, { candidates: [candidate(calls)] }));
      // The last chunk carries the finish reason ("STOP" even after function calls) and the usage.
      events.push(
        chunk(model, responseId, {
          candidates: [candidate(undefined, endingWord("google", reply) ?? "STOP", reply.finishMessage)],
          usageMetadata: usageOf(context),
        }),
      );
      return events;
    },

    cutEvents(text, context) {
      const responseId = `fake-response-${context.nextId()}`;
      return splitText(text).map((piece) =>
        chunk(model, responseId, { candidates: [candidate([{ text: piece }])] }),
      );
    },

    jsonReply(reply, context) {
      const parts: JsonObject[] = [];
      if (reply.reasoning) parts.push({ text: reply.reasoning, thought: true });
      if (reply.text) parts.push({ text: reply.text });
      parts.push(...functionCallParts(reply, context));
      return {
        candidates: [candidate(parts, endingWord("google", reply) ?? "STOP", reply.finishMessage)],
        usageMetadata: usageOf(context),
        modelVersion: model,
        responseId: `fake-response-${context.nextId()}`,
      };
    },
  };
}
