// Shared types of the fake model server. server.ts re-exports all of them, so
// callers import from "./server.ts" only.

export type ScriptedToolCall = { name: string; input: unknown; id?: string };

export type ScriptedReply = {
  text?: string;
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: { inputTokens: number; outputTokens: number };
  /**
   * The model ends the answer short, in the wire's own words (wire-endings.ts): "max-tokens" is
   * Anthropic's stop_reason max_tokens, the Responses API's response.incomplete (reason
   * max_output_tokens), Chat's finish_reason length, Gemini's finishReason MAX_TOKENS; "refusal" is
   * Anthropic's stop_reason refusal, a Responses refusal part, Chat's delta.refusal (the reply's text
   * is the refusal); "content-filter" is the Responses reason content_filter, Chat's content_filter,
   * Gemini's SAFETY; "context-window" is Anthropic's stop_reason model_context_window_exceeded (the
   * answer filled the context window); "malformed-call" is Gemini's finishReason
   * MALFORMED_FUNCTION_CALL (a call the API could not parse; the real API sends no content with it).
   * A wire without the ending (Anthropic's content filter, Gemini's refusal…): asking for one throws.
   */
  ending?: ScriptedEnding;
  /** Gemini's finishMessage beside the finish reason (what it could not read, after MALFORMED_FUNCTION_CALL). */
  finishMessage?: string;
  /** The wire's word to send instead of the usual one for `ending` (e.g. "RECITATION", "model_context_window_exceeded"). */
  rawEnding?: string;
  /**
   * A tool call cut inside its input (with ending "max-tokens"): its JSON never closes. Anthropic
   * closes the block, the Responses API never sends the item's done, Chat stops mid-arguments;
   * Gemini sends calls whole or not at all, so there it is left out.
   */
  cutToolCall?: { name: string; partialInput: string; id?: string };
};

export type ScriptedEnding =
  | "max-tokens"
  | "context-window"
  | "refusal"
  | "content-filter"
  | "malformed-call";

export type Fault =
  // e.g. 429 with retry-after, 500, 529 overloaded, 401
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  // start a 200 SSE stream, send some text, then destroy the socket before the final event
  | { kind: "cut"; afterText?: string }
  // the same start, then the response ends cleanly without the final event (a proxy closing it early)
  | { kind: "short"; afterText?: string }
  // start a 200 SSE stream, send some text, then go silent with the connection left open
  | { kind: "stall"; afterText?: string }
  // answer with an HTML page instead of the wire's JSON or event stream (a captive portal, a wrong base
  // URL); contentType and body change what comes back (e.g. a proxy's plain JSON where a stream was asked for)
  | { kind: "html"; status?: number; body?: string; contentType?: string };

export type Step = ScriptedReply | { fault: Fault };

/** The chat wires: the model replies that scripts and faults drive. */
export type Wire = "anthropic" | "openai-responses" | "openai-chat" | "google";

/** Every wire a recorded request may come in on: the chat wires plus OpenAI embeddings. */
type RecordedWire = Wire | "openai-embeddings";

export interface NormalizedToolCall {
  id: string;
  name: string;
  input: unknown;
}

export interface NormalizedToolResult {
  id: string;
  output: string;
  isError: boolean;
}

export interface NormalizedMessage {
  /** "user", "assistant", or "tool" (a group of tool results, whatever the wire called it). */
  role: string;
  text: string;
  toolCalls: NormalizedToolCall[];
  toolResults: NormalizedToolResult[];
}

export interface NormalizedRequest {
  system: string;
  messages: NormalizedMessage[];
  toolNames: string[];
}

export interface RecordedRequest {
  wire: RecordedWire;
  path: string;
  headers: Record<string, string>;
  // The raw request body as the client sent it; its shape depends on the wire.
  // biome-ignore lint/suspicious/noExplicitAny: tests reach into wire-specific fields freely.
  body: any;
  /** ms since epoch */
  receivedAt: number;
  normalized: NormalizedRequest;
  /** Set when the request failed validation and was answered with a 400. */
  rejection?: string;
  /** Set when the request was longer than the context window (setContextWindow) and refused as too long. */
  contextOverflow?: boolean;
}

export interface FakeServer {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  requests: RecordedRequest[];
  /** validation failures seen (each also answered with a 400) */
  errors: string[];
  /** paths of the model-list reads served (/v1/models, /models, /v1beta/models, /api/tags), in order */
  modelListReads: string[];
  /** replies consumed in order, one per request (faults count as a step) */
  enqueue(...steps: Step[]): void;
  /**
   * optional dynamic replies; undefined → fall back to the queue. A promise holds the reply back
   * until it settles (a test that must act while a request is in flight).
   */
  onRequest(handler: (request: RecordedRequest) => Step | undefined | Promise<Step | undefined>): void;
  /**
   * Faults for the next embedding requests, one per request, apart from the chat
   * queue: embeddings never consume a scripted model reply.
   */
  failEmbeddings(...faults: Fault[]): void;
  /**
   * From now on, model requests longer than this many tokens (four characters
   * a token, the whole body) are refused with the wire's own "prompt too long"
   * error, without consuming a scripted reply. Undefined lifts the limit.
   */
  setContextWindow(tokens: number | undefined): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  port?: number;
  defaultReply?: ScriptedReply;
  /** Called once per model request after it has been answered or rejected (main.ts writes --record with it). */
  onRecord?: (request: RecordedRequest) => void;
}

/** What a wire adapter needs to write one reply. */
export interface ReplyContext {
  model: string;
  /** Counter shared by the server so ids never repeat within one server. */
  nextId: () => number;
  inputTokens: number;
  outputTokens: number;
}
