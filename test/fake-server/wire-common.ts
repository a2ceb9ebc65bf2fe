// Pieces every wire adapter shares: the adapter contract, SSE framing, chunking
// of text and JSON into several deltas, token estimates, and the check that
// every tool call in a history is answered exactly once.
import type { NormalizedMessage, NormalizedRequest, ReplyContext, ScriptedReply, Wire } from "./types.ts";

export type JsonObject = Record<string, unknown>;

export interface WireAdapter {
  wire: Wire;
  /** Returns a reason when the auth/version headers are wrong. */
  checkHeaders(headers: Record<string, string>): string | undefined;
  /** Returns a reason when the body is malformed, before normalizing it. */
  checkBody(body: JsonObject): string | undefined;
  normalize(body: JsonObject): NormalizedRequest;
  isStream(body: JsonObject): boolean;
  errorBody(status: number, message: string): unknown;
  /** The whole SSE stream for one reply, one framed event per entry. */
  streamEvents(reply: ScriptedReply, context: ReplyContext): string[];
  /** The opening of a stream that streams `text` and then stops before any final event. */
  cutEvents(text: string, context: ReplyContext): string[];
  jsonReply(reply: ScriptedReply, context: ReplyContext): unknown;
}

export function sseEvent(event: string | undefined, data: unknown): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return event === undefined ? `data: ${payload}\n\n` : `event: ${event}\ndata: ${payload}\n\n`;
}

/** Splits text into a few pieces (by code point, so no surrogate pair is broken). */
export function splitText(text: string, maxPieces = 8): string[] {
  const codePoints = Array.from(text);
  if (codePoints.length === 0) return [];
  const pieceCount = Math.min(maxPieces, codePoints.length);
  const size = Math.ceil(codePoints.length / pieceCount);
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) {
    pieces.push(codePoints.slice(start, start + size).join(""));
  }
  return pieces;
}

/** JSON arguments arrive in several deltas on every real wire; parsers must join them. */
export function splitJson(json: string): string[] {
  return splitText(json, 3);
}

export function inputJson(input: unknown): string {
  return JSON.stringify(input ?? {});
}

export function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

export function replyCharacters(reply: ScriptedReply): number {
  let length = (reply.text ?? "").length + (reply.reasoning ?? "").length;
  for (const call of reply.toolCalls ?? []) length += call.name.length + inputJson(call.input).length;
  return length;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asObject(value: unknown): JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

export function asString(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses tool arguments sent as a JSON string; keeps the raw string when it is not JSON. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Text of a content value that is either a string or an array of parts with a
 * `text` field (the shape all three wires use); other parts show as a marker.
 */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  return asArray(content)
    .map((part) => {
      const object = asObject(part);
      if (typeof object.text === "string") return object.text;
      return `[${asString(object.type) || "part"}]`;
    })
    .join("\n");
}

/**
 * Each tool call must be answered by exactly one later tool result, and no
 * result may name an id that was never called (or was already answered).
 */
export function checkToolPairing(messages: NormalizedMessage[]): string | undefined {
  const open = new Map<string, string>();
  const answered = new Set<string>();
  for (const message of messages) {
    for (const call of message.toolCalls) {
      if (call.id === "") return `tool call "${call.name}" has no id`;
      if (open.has(call.id) || answered.has(call.id)) return `tool call id ${call.id} is used twice`;
      open.set(call.id, call.name);
    }
    for (const result of message.toolResults) {
      if (answered.has(result.id)) return `tool call ${result.id} is answered more than once`;
      if (!open.has(result.id)) return `tool result names unknown tool call id ${result.id}`;
      open.delete(result.id);
      answered.add(result.id);
    }
  }
  const unanswered = [...open.entries()].map(([id, name]) => `${id} (${name})`);
  if (unanswered.length > 0) return `tool call not answered by a tool result: ${unanswered.join(", ")}`;
  return undefined;
}

/** Appends to the last message when it has the same role, else starts a new one. */
export function pushMessage(messages: NormalizedMessage[], role: string): NormalizedMessage {
  const last = messages.at(-1);
  if (last !== undefined && last.role === role) return last;
  const message: NormalizedMessage = { role, text: "", toolCalls: [], toolResults: [] };
  messages.push(message);
  return message;
}

export function appendText(message: NormalizedMessage, text: string): void {
  if (text === "") return;
  message.text = message.text === "" ? text : `${message.text}\n${text}`;
}
