import type { Message, ModelEnding } from "./messages.ts";
import type { Usage } from "./usage.ts";

/** What the loop knows about a model: enough to budget context and price usage. */
export interface ModelInfo {
  /** "provider/model-id", as the user typed it after --model. */
  ref: string;
  provider: string;
  modelId: string;
  /** Which tool dialect the model was trained on: Claude Code-style or Codex-style names and schemas. */
  family: "claude" | "gpt" | "gemini" | "other";
  contextWindow: number;
  maxOutputTokens: number;
  /** US dollars per million tokens; zero when unknown (a local model, or one missing from the catalog). */
  price: { input: number; output: number; cacheRead: number; cacheWrite: number };
  /** False when the id was not in the catalog and conservative defaults were used. */
  known: boolean;
  /** Takes a reasoning-effort control (providers/effort.ts); absent or false: --effort is ignored. */
  reasoning?: boolean;
  /** Whether the model takes image parts (@shot.png, --image); absent or false: it is refused one line. */
  acceptsImages?: boolean;
}

/** A tool as the model sees it: name, description and a JSON schema for its input. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  /** The stable system prompt: instructions, memory index, project instructions. Cached where the provider allows. */
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  maxOutputTokens?: number;
}

export type FinishReason = "stop" | "tool-calls" | "length" | "content-filter" | "error" | "other";

export type ModelStreamEvent =
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string; providerMetadata?: Record<string, unknown> }
  | {
      type: "tool-call";
      toolCallId: string;
      toolName: string;
      input: unknown;
      providerMetadata?: Record<string, unknown>;
    }
  /** The provider failed and the request will be sent again after delayMs. */
  | { type: "retry"; attempt: number; delayMs: number; reason: string }
  | {
      type: "finish";
      finishReason: FinishReason;
      usage: Usage;
      /** The model ended its answer short of a normal stop (core/messages.ts ModelEnding). */
      ending?: ModelEnding;
      /** The wire's own word for the ending (Anthropic's stop_reason, Gemini's finishReason…), when it sent one. */
      rawReason?: string;
      /** Tools whose call input started streaming but never closed (the answer was cut inside the call). */
      unfinishedToolCalls?: string[];
      /** What the provider said of a call it could not read (Gemini's finishMessage), told to the model on the retry. */
      finishMessage?: string;
    };

/**
 * One model, ready to stream. providers/ implements it over the Vercel AI SDK
 * (with retries); the faux model implements it for tests. A failure that is not
 * retried (or retries that ran out) is thrown as a ProviderError.
 */
export interface ModelClient {
  info: ModelInfo;
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamEvent>;
  /** Starts loading the provider's code in the background, so the first request does not wait for it. */
  warmUp?(): void;
  /**
   * Retries allowed after a failed attempt (TACIT_MAX_RETRIES); at 0 the agent loop does not ask
   * again by itself either (a tool call the provider could not read). Absent: retries allowed.
   */
  maxRetries?: number;
}
