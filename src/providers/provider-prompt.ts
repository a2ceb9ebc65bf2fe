import type {
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  SharedV4ProviderOptions,
} from "@ai-sdk/provider";
import type { ModelMessage } from "ai";
import type { ToolSpec } from "../core/model.ts";

/**
 * The request's messages in the provider packages' own prompt shape (the LanguageModelV4 spec), which
 * each package writes onto its wire. This is what the `ai` package's streamText did before it called
 * the model (its convertToLanguageModelPrompt): done here so a request never loads `ai` (256 KB, with
 * schemas built at its module top) nor runs its pipeline. It follows streamText part for part, so the
 * request bytes stay what they were; tacit's messages hold only text, inline base64 images, reasoning,
 * tool calls and text tool results, so none of streamText's downloads or deprecated forms arise.
 */
export function toProviderPrompt(
  system: { content: string; providerOptions?: SharedV4ProviderOptions } | undefined,
  messages: ModelMessage[],
): LanguageModelV4Prompt {
  // streamText refused this before sending; a provider may not (OpenAI takes a system-only request),
  // and a subagent given an empty task would then run without one instead of failing at once.
  if (messages.length === 0) throw new Error("Invalid prompt: messages must not be empty");
  const converted: LanguageModelV4Message[] = [];
  if (system)
    converted.push({ role: "system", content: system.content, providerOptions: system.providerOptions });
  for (const message of messages) converted.push(providerMessage(message));
  const combined = withToolMessagesJoined(converted);
  checkToolResults(combined);
  return combined.filter((message) => message.role !== "tool" || message.content.length > 0);
}

function providerMessage(message: ModelMessage): LanguageModelV4Message {
  const providerOptions = message.providerOptions;
  switch (message.role) {
    case "system":
      return { role: "system", content: message.content, providerOptions };
    case "user": {
      if (typeof message.content === "string")
        return { role: "user", content: [{ type: "text", text: message.content }], providerOptions };
      const content: Extract<LanguageModelV4Message, { role: "user" }>["content"] = [];
      for (const part of message.content) {
        if (part.type === "text") {
          if (part.text !== "")
            content.push({ type: "text", text: part.text, providerOptions: part.providerOptions });
        } else if (part.type === "file" && typeof part.data === "string") {
          // tacit's images are base64 text whose media type was read from their first bytes
          // (agent/attachments/image-file.ts), the same type the SDK's own detection found. That is
          // the contract here: the type is sent as given and a `data:` URL is not unwrapped, which
          // streamText did (a JPEG labelled image/png would now reach the provider as image/png).
          content.push({
            type: "file",
            mediaType: part.mediaType,
            filename: part.filename,
            data: { type: "data", data: part.data },
            providerOptions: part.providerOptions,
          });
        } else {
          throw new Error(`a user message part of type ${part.type} cannot be sent`);
        }
      }
      return { role: "user", content, providerOptions };
    }
    case "assistant": {
      if (typeof message.content === "string")
        return { role: "assistant", content: [{ type: "text", text: message.content }], providerOptions };
      const content: Extract<LanguageModelV4Message, { role: "assistant" }>["content"] = [];
      for (const part of message.content) {
        if (part.type === "text") {
          if (part.text !== "" || part.providerOptions != null)
            content.push({ type: "text", text: part.text, providerOptions: part.providerOptions });
        } else if (part.type === "reasoning") {
          content.push({ type: "reasoning", text: part.text, providerOptions: part.providerOptions });
        } else if (part.type === "tool-call") {
          content.push({
            type: "tool-call",
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
            providerExecuted: part.providerExecuted,
            providerOptions: part.providerOptions,
          });
        } else {
          throw new Error(`an assistant message part of type ${part.type} cannot be sent`);
        }
      }
      return { role: "assistant", content, providerOptions };
    }
    case "tool": {
      const content: Extract<LanguageModelV4Message, { role: "tool" }>["content"] = [];
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        if (part.output.type !== "text" && part.output.type !== "error-text")
          throw new Error(`a tool result of type ${part.output.type} cannot be sent`);
        content.push({
          type: "tool-result",
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          output: part.output,
          providerOptions: part.providerOptions,
        });
      }
      return { role: "tool", content, providerOptions };
    }
  }
}

/**
 * Tool messages in a row become one, as streamText joined them: every wire wants all the results of a
 * turn's calls together. A joined message's options move onto its last result, so a cache breakpoint
 * still marks where that message ended.
 */
function withToolMessagesJoined(messages: LanguageModelV4Message[]): LanguageModelV4Message[] {
  const combined: LanguageModelV4Message[] = [];
  for (const message of messages) {
    const last = combined.at(-1);
    if (message.role !== "tool" || last?.role !== "tool") {
      combined.push(message);
      continue;
    }
    const lastPart = last.content.at(-1);
    if (lastPart != null && last.providerOptions != null)
      lastPart.providerOptions = { ...last.providerOptions, ...lastPart.providerOptions };
    last.content.push(...message.content);
    last.providerOptions =
      lastPart == null ? { ...last.providerOptions, ...message.providerOptions } : message.providerOptions;
  }
  return combined;
}

/**
 * Every tool call needs its result before the next user turn, or the provider refuses the request with
 * a 400 after the upload; refused here at once, in streamText's words.
 */
function checkToolResults(messages: LanguageModelV4Message[]): void {
  const open = new Set<string>();
  for (const message of messages) {
    if (message.role === "assistant") {
      for (const part of message.content)
        if (part.type === "tool-call" && !part.providerExecuted) open.add(part.toolCallId);
    } else if (message.role === "tool") {
      for (const part of message.content) if (part.type === "tool-result") open.delete(part.toolCallId);
    } else if (open.size > 0) break;
  }
  if (open.size === 0) return;
  const ids = [...open];
  const plural = ids.length > 1;
  throw new Error(
    `Tool result${plural ? "s are" : " is"} missing for tool call${plural ? "s" : ""} ${ids.join(", ")}.`,
  );
}

/** tacit's tools as the spec's function tools, in their order; the last may carry a cache breakpoint. */
export function toProviderTools(
  specs: ToolSpec[],
  lastToolOptions: SharedV4ProviderOptions | undefined,
): LanguageModelV4FunctionTool[] {
  return specs.map((spec, index) => ({
    type: "function",
    name: spec.name,
    inputSchema: spec.inputSchema as LanguageModelV4FunctionTool["inputSchema"],
    description: spec.description,
    ...(lastToolOptions && index === specs.length - 1 ? { providerOptions: lastToolOptions } : {}),
  }));
}
