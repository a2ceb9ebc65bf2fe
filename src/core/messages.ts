/**
 * The conversation, in tacit's own provider-neutral shape. Sessions store these,
 * the loop appends to them, and providers/ converts them to each wire format.
 * Keeping our own shape (instead of one SDK's) is what lets a session started
 * on one provider resume on another.
 */

/**
 * How a model can end an answer short of a normal stop, each of which the user is told in one line:
 * cut at its output-token limit, cut where the conversation filled the context window (Anthropic's
 * stop_reason "model_context_window_exceeded"), a refusal (Anthropic's stop_reason "refusal", OpenAI's
 * refusal field), the provider's content filter (Chat's content_filter, Gemini's SAFETY, RECITATION…),
 * or a tool call the provider could not read, again after one retry (Gemini's MALFORMED_FUNCTION_CALL).
 */
export type ModelEnding = "max-tokens" | "context-window" | "refusal" | "content-filter" | "malformed-call";

const MODEL_ENDINGS: ReadonlySet<unknown> = new Set<ModelEnding>([
  "max-tokens",
  "context-window",
  "refusal",
  "content-filter",
  "malformed-call",
]);

export function isModelEnding(value: unknown): value is ModelEnding {
  return MODEL_ENDINGS.has(value);
}

/** The ending a message records, or null (what the session store writes in its column). */
export function endingOf(message: Message): ModelEnding | null {
  return (message.role === "assistant" && message.ending) || null;
}

export interface TextPart {
  type: "text";
  text: string;
  /**
   * Set on text tacit added to a user's message for the model (agent/turn-context.ts), naming
   * what added it. The model was sent it and the session stores it, so a resumed session sends
   * the same history; it is not the user's words, so messageText leaves it out.
   */
  turnContext?: TurnContextName;
}

/**
 * What adds context to a user turn: recalled memories and past turns; the repository survey of tacit init;
 * hooks (agent/hooks/); files the user named with @path (agent/attachments/).
 */
export type TurnContextName = "recall" | "init" | "hook" | "attachment";

/**
 * An image the user attached (@shot.png, --image). `data` is the file's bytes in base64 while the
 * message is live; the session store keeps the bytes in a content-addressed file named by `sha256`
 * and fills `data` back in on resume, so a message whose file is gone arrives without it and is
 * sent as a one-line placeholder instead (providers/convert-messages.ts).
 */
export interface ImagePart {
  type: "image";
  /** image/png, image/jpeg, image/gif or image/webp. */
  mediaType: string;
  /** The path as the user wrote it, for placeholders and screens. */
  name: string;
  sha256: string;
  data?: string;
}

export interface ReasoningPart {
  type: "reasoning";
  text: string;
  /** Provider-specific data (e.g. Anthropic's signature) needed to send reasoning back to the same provider. */
  providerMetadata?: Record<string, unknown>;
}

export interface ToolCallPart {
  type: "tool-call";
  toolCallId: string;
  toolName: string;
  /** Parsed arguments when they were valid JSON; the raw text otherwise. */
  input: unknown;
  /**
   * Provider-specific data that must go back with the call on the next request
   * to the same provider (e.g. Gemini's thought signatures), keyed by provider.
   */
  providerMetadata?: Record<string, unknown>;
}

export interface ToolResultPart {
  type: "tool-result";
  toolCallId: string;
  toolName: string;
  output: string;
  isError?: boolean;
}

export interface UserMessage {
  role: "user";
  content: Array<TextPart | ImagePart>;
}

export interface AssistantMessage {
  role: "assistant";
  content: Array<TextPart | ReasoningPart | ToolCallPart>;
  /**
   * Set when the model ended this answer short of a normal stop (cut at the output limit or where the
   * context window filled, refused, filtered, a call the provider could not read): the session stores
   * it (its own column), so a resumed session says so again. The message may then have no content at
   * all (all that came was a call cut before its input closed, or a call the provider could not read).
   */
  ending?: ModelEnding;
}

export interface ToolMessage {
  role: "tool";
  content: ToolResultPart[];
}

export type Message = UserMessage | AssistantMessage | ToolMessage;

export function userMessage(text: string): UserMessage {
  return { role: "user", content: [{ type: "text", text }] };
}

/**
 * The plain text of a message, tool calls and results left out, and the context tacit added to a
 * user's message too: what screens, session titles and the transcript index show is what was said.
 */
export function messageText(message: Message): string {
  if (message.role === "tool") return "";
  let text = "";
  for (const part of message.content) if (part.type === "text" && !part.turnContext) text += part.text;
  return text;
}
