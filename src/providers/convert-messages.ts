import type { ModelMessage } from "ai";
import type { AssistantMessage, Message, ReasoningPart, ToolMessage, UserMessage } from "../core/messages.ts";

type AssistantContent = Exclude<Extract<ModelMessage, { role: "assistant" }>["content"], string>;
type ToolContent = Extract<ModelMessage, { role: "tool" }>["content"];
type UserContent = Exclude<Extract<ModelMessage, { role: "user" }>["content"], string>;
type ProviderOptions = NonNullable<Extract<ModelMessage, { role: "user" }>["providerOptions"]>;

export interface ConvertOptions {
  /**
   * The providerOptions key of the provider the request goes to ("anthropic",
   * "openai", "google"). Reasoning is sent back only to the provider that made
   * it: its signature or encrypted content means nothing anywhere else.
   */
  providerKey?: string;
  /** Put an Anthropic cache breakpoint on the last message, so the growing prefix is cached. */
  cacheLastMessage?: boolean;
  /**
   * Whether the model takes images (default true). False: earlier images (a session resumed on, or
   * switched to, a text-only model) go as one line each, which the model can read and the wire accepts.
   */
  images?: boolean;
}

export const ANTHROPIC_CACHE_CONTROL: ProviderOptions = {
  anthropic: { cacheControl: { type: "ephemeral" } },
};

/** tacit's provider-neutral messages → the AI SDK's ModelMessage list. */
export function toModelMessages(messages: Message[], options: ConvertOptions = {}): ModelMessage[] {
  const converted: ModelMessage[] = [];
  for (const message of withoutStoppedAnswers(messages)) {
    const modelMessage = convertMessage(message, options);
    if (modelMessage) converted.push(modelMessage);
  }
  const last = converted.at(-1);
  if (options.cacheLastMessage && last && last.role !== "assistant") {
    last.providerOptions = { ...last.providerOptions, ...ANTHROPIC_CACHE_CONTROL };
  }
  return converted;
}

/**
 * The conversation without the answers a refusal or the content filter stopped, or whose tool call
 * the provider could not read, nor the "Not run" results of their calls: Anthropic's guidance is
 * that a refused turn left in the context draws more refusals, and a filtered or unreadable one is
 * no answer to build on. The user's prompt stays, joined to the next one; the session keeps the
 * answer for show and export. An answer cut at the output limit or the context window stays: the
 * model goes on from it.
 */
function withoutStoppedAnswers(messages: readonly Message[]): Message[] {
  const dropped = new Set<string>();
  const kept: Message[] = [];
  let joinNextUser = false;
  for (const message of messages) {
    if (
      message.role === "assistant" &&
      (message.ending === "refusal" ||
        message.ending === "content-filter" ||
        message.ending === "malformed-call")
    ) {
      for (const part of message.content) if (part.type === "tool-call") dropped.add(part.toolCallId);
      joinNextUser = kept.at(-1)?.role === "user";
      continue;
    }
    if (message.role === "tool" && dropped.size > 0) {
      const content = message.content.filter((result) => !dropped.has(result.toolCallId));
      if (content.length > 0) kept.push({ ...message, content });
      continue;
    }
    const previous = kept.at(-1);
    // The prompt that was refused and the next one become one user turn: Gemini wants turns to alternate.
    if (joinNextUser && message.role === "user" && previous?.role === "user") {
      kept[kept.length - 1] = { ...previous, content: [...previous.content, ...message.content] };
    } else {
      kept.push(message);
    }
    joinNextUser = false;
  }
  return kept;
}

function convertMessage(message: Message, options: ConvertOptions): ModelMessage | undefined {
  switch (message.role) {
    case "user": {
      const content = message.content.flatMap((part) => convertUserPart(part, options.images !== false));
      return content.length > 0 ? { role: "user", content } : undefined;
    }
    case "assistant":
      return convertAssistant(message, options);
    case "tool":
      return convertTool(message);
  }
}

/**
 * A user's text as is; an image as the SDK's file part with an image type, which each provider package writes in its
 * wire's shape (Anthropic's base64 source, OpenAI's data URL, Gemini's inline data). An image whose
 * bytes are gone (its stored file was deleted) goes as one line saying so: the turn still reads.
 */
function convertUserPart(part: UserMessage["content"][number], images: boolean): UserContent {
  if (part.type === "text") return part.text === "" ? [] : [{ type: "text", text: part.text }];
  if (!images)
    return [{ type: "text", text: `[image ${part.name}: not sent, this model does not take images]` }];
  if (part.data === undefined) return [{ type: "text", text: `[image ${part.name}: no longer available]` }];
  return [{ type: "file", data: part.data, mediaType: part.mediaType }];
}

function convertAssistant(message: AssistantMessage, options: ConvertOptions): ModelMessage | undefined {
  const content: AssistantContent = [];
  for (const part of message.content) {
    if (part.type === "text") {
      if (part.text !== "") content.push({ type: "text", text: part.text });
    } else if (part.type === "reasoning") {
      const reasoning = convertReasoning(part, options);
      if (reasoning) content.push(reasoning);
    } else {
      // Sent back only to the provider that produced it (another would reject or misread it).
      const metadata = part.providerMetadata;
      const key = options.providerKey;
      content.push({
        type: "tool-call",
        toolCallId: safeToolCallId(part.toolCallId),
        toolName: part.toolName,
        input: objectInput(part.input),
        ...(key && metadata && key in metadata ? { providerOptions: metadata as ProviderOptions } : {}),
      });
    }
  }
  // Providers reject an assistant turn with nothing in it (e.g. one interrupted at once).
  return content.length > 0 ? { role: "assistant", content } : undefined;
}

function convertReasoning(
  part: ReasoningPart,
  options: ConvertOptions,
): AssistantContent[number] | undefined {
  const key = options.providerKey;
  const metadata = part.providerMetadata;
  if (!key || !metadata || !(key in metadata)) return undefined;
  return { type: "reasoning", text: part.text, providerOptions: metadata as ProviderOptions };
}

function convertTool(message: ToolMessage): ModelMessage | undefined {
  const content: ToolContent = message.content.map((part) => ({
    type: "tool-result",
    toolCallId: safeToolCallId(part.toolCallId),
    toolName: part.toolName,
    output: part.isError ? { type: "error-text", value: part.output } : { type: "text", value: part.output },
  }));
  return content.length > 0 ? { role: "tool", content } : undefined;
}

/**
 * Anthropic accepts only [A-Za-z0-9_-] in tool call ids; ids made by another
 * provider are rewritten the same way in the call and its result, so a session
 * can switch providers mid-way.
 */
export function safeToolCallId(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_-]/g, "_");
  return safe === "" ? "call" : safe;
}

/** Tool inputs must be JSON objects on every wire; a call whose arguments were not is kept as text. */
function objectInput(input: unknown): Record<string, unknown> {
  if (input && typeof input === "object" && !Array.isArray(input)) return input as Record<string, unknown>;
  return { invalid_input: typeof input === "string" ? input : JSON.stringify(input) };
}

/** The AI SDK's ModelMessage list → tacit's messages (for tests and for importing SDK-shaped history). */
export function fromModelMessages(modelMessages: ModelMessage[]): Message[] {
  const messages: Message[] = [];
  for (const modelMessage of modelMessages) {
    if (modelMessage.role === "system") continue;
    if (modelMessage.role === "user") {
      const parts = typeof modelMessage.content === "string" ? [modelMessage.content] : [];
      if (typeof modelMessage.content !== "string") {
        for (const part of modelMessage.content) if (part.type === "text") parts.push(part.text);
      }
      messages.push({ role: "user", content: parts.map((text) => ({ type: "text", text })) });
    } else if (modelMessage.role === "assistant") {
      const content: AssistantMessage["content"] = [];
      const parts =
        typeof modelMessage.content === "string"
          ? [{ type: "text" as const, text: modelMessage.content }]
          : modelMessage.content;
      for (const part of parts) {
        if (part.type === "text") content.push({ type: "text", text: part.text });
        else if (part.type === "reasoning") {
          content.push({
            type: "reasoning",
            text: part.text,
            ...(part.providerOptions ? { providerMetadata: part.providerOptions } : {}),
          });
        } else if (part.type === "tool-call") {
          content.push({
            type: "tool-call",
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
            ...(part.providerOptions ? { providerMetadata: part.providerOptions } : {}),
          });
        }
      }
      messages.push({ role: "assistant", content });
    } else {
      const content: ToolMessage["content"] = [];
      for (const part of modelMessage.content) {
        if (part.type !== "tool-result") continue;
        const { output } = part;
        const isError = output.type === "error-text" || output.type === "error-json";
        const text =
          output.type === "text" || output.type === "error-text"
            ? output.value
            : "value" in output
              ? JSON.stringify(output.value)
              : "";
        content.push({
          type: "tool-result",
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          output: text,
          ...(isError ? { isError } : {}),
        });
      }
      messages.push({ role: "tool", content });
    }
  }
  return messages;
}
