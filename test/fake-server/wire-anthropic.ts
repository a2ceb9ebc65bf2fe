// Anthropic Messages API: POST /v1/messages. Event shapes follow the schemas in
// @ai-sdk/anthropic (message_start … message_stop) and Anthropic's docs.
import type { NormalizedMessage, ReplyContext, ScriptedReply } from "./types.ts";
import {
  appendText,
  asArray,
  asObject,
  asString,
  contentText,
  inputJson,
  isObject,
  type JsonObject,
  pushMessage,
  splitJson,
  splitText,
  sseEvent,
  type WireAdapter,
} from "./wire-common.ts";
import { endingWord } from "./wire-endings.ts";

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function usageOf(context: ReplyContext) {
  return {
    input_tokens: context.inputTokens,
    output_tokens: context.outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

function toolUseId(call: { id?: string }, context: ReplyContext): string {
  return call.id ?? `toolu_fake_${context.nextId()}`;
}

function normalizeMessage(messages: NormalizedMessage[], raw: unknown): void {
  const message = asObject(raw);
  const role = asString(message.role);
  if (typeof message.content === "string") {
    appendText(pushMessage(messages, role), message.content);
    return;
  }
  for (const rawBlock of asArray(message.content)) {
    const block = asObject(rawBlock);
    switch (block.type) {
      case "text":
        appendText(pushMessage(messages, role), asString(block.text));
        break;
      case "tool_use":
        pushMessage(messages, role).toolCalls.push({
          id: asString(block.id),
          name: asString(block.name),
          input: block.input,
        });
        break;
      case "tool_result":
        // Tool results ride in a user message on this wire; the normalized view
        // gives them a "tool" message of their own, as the OpenAI wires do.
        pushMessage(messages, "tool").toolResults.push({
          id: asString(block.tool_use_id),
          output: contentText(block.content),
          isError: block.is_error === true,
        });
        break;
      default:
        // thinking, redacted_thinking, images, documents: not part of the text view.
        break;
    }
  }
}

export const anthropicWire: WireAdapter = {
  wire: "anthropic",

  checkHeaders(headers) {
    if (!headers["anthropic-version"]) return "missing anthropic-version header";
    const bearer = /^Bearer\s+\S/.test(headers.authorization ?? "");
    if (!headers["x-api-key"] && !bearer) return "missing x-api-key header";
    return undefined;
  },

  checkBody(body) {
    if (typeof body.model !== "string" || body.model === "") return "missing model";
    if (typeof body.max_tokens !== "number") return "missing max_tokens";
    if (!Array.isArray(body.messages)) return "messages must be an array";
    for (const [index, message] of body.messages.entries()) {
      if (!isObject(message) || (message.role !== "user" && message.role !== "assistant")) {
        return `messages[${index}]: role must be "user" or "assistant"`;
      }
      if (typeof message.content !== "string" && !Array.isArray(message.content)) {
        return `messages[${index}]: content must be a string or an array`;
      }
    }
    if (body.tools !== undefined && !Array.isArray(body.tools)) return "tools must be an array";
    for (const [index, tool] of asArray(body.tools).entries()) {
      const object = asObject(tool);
      if (typeof object.name !== "string" || object.name === "") return `tools[${index}]: missing name`;
      // Server tools (web_search_…, bash_…) carry a versioned type and no schema.
      const isCustom = object.type === undefined || object.type === "custom";
      if (isCustom && !isObject(object.input_schema)) return `tools[${index}]: missing input_schema`;
    }
    return undefined;
  },

  normalize(body) {
    const system =
      typeof body.system === "string"
        ? body.system
        : asArray(body.system)
            .map((block) => asString(asObject(block).text))
            .join("\n\n");
    const messages: NormalizedMessage[] = [];
    for (const message of asArray(body.messages)) normalizeMessage(messages, message);
    const toolNames = asArray(body.tools).map((tool) => asString(asObject(tool).name));
    return { system, messages, toolNames };
  },

  isStream(body) {
    return body.stream === true;
  },

  errorBody(status, message) {
    return { type: "error", error: { type: errorTypes[status] ?? "api_error", message } };
  },

  streamEvents(reply, context) {
    const events: string[] = [messageStart(context)];
    let index = 0;
    if (reply.reasoning) {
      events.push(blockStart(index, { type: "thinking", thinking: "" }));
      for (const piece of splitText(reply.reasoning)) {
        events.push(blockDelta(index, { type: "thinking_delta", thinking: piece }));
      }
      events.push(blockDelta(index, { type: "signature_delta", signature: "fake-signature" }));
      events.push(blockStop(index));
      index += 1;
    }
    if (reply.text) {
      events.push(blockStart(index, { type: "text", text: "" }));
      for (const piece of splitText(reply.text))
        events.push(blockDelta(index, { type: "text_delta", text: piece }));
      events.push(blockStop(index));
      index += 1;
    }
    for (const call of reply.toolCalls ?? []) {
      const id = toolUseId(call, context);
      events.push(blockStart(index, { type: "tool_use", id, name: call.name, input: {} }));
      for (const piece of splitJson(inputJson(call.input))) {
        events.push(blockDelta(index, { type: "input_json_delta", partial_json: piece }));
      }
      events.push(blockStop(index));
      index += 1;
    }
    if (reply.cutToolCall) {
      // Cut at max_tokens inside the call: the block still closes, its JSON never does.
      const call = reply.cutToolCall;
      events.push(
        blockStart(index, { type: "tool_use", id: toolUseId(call, context), name: call.name, input: {} }),
      );
      for (const piece of splitJson(call.partialInput))
        events.push(blockDelta(index, { type: "input_json_delta", partial_json: piece }));
      events.push(blockStop(index));
    }
    const stopReason = stopReasonOf(reply);
    events.push(
      sseEvent("message_delta", {
        type: "message_delta",
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: usageOf(context),
      }),
    );
    events.push(sseEvent("message_stop", { type: "message_stop" }));
    return events;
  },

  cutEvents(text, context) {
    const events = [messageStart(context), blockStart(0, { type: "text", text: "" })];
    for (const piece of splitText(text)) events.push(blockDelta(0, { type: "text_delta", text: piece }));
    return events;
  },

  jsonReply(reply, context) {
    const content: JsonObject[] = [];
    if (reply.reasoning)
      content.push({ type: "thinking", thinking: reply.reasoning, signature: "fake-signature" });
    if (reply.text) content.push({ type: "text", text: reply.text });
    for (const call of reply.toolCalls ?? []) {
      content.push({
        type: "tool_use",
        id: toolUseId(call, context),
        name: call.name,
        input: call.input ?? {},
      });
    }
    return {
      id: `msg_fake_${context.nextId()}`,
      type: "message",
      role: "assistant",
      model: context.model,
      content,
      stop_reason: stopReasonOf(reply),
      stop_sequence: null,
      usage: usageOf(context),
    };
  },
};

function stopReasonOf(reply: ScriptedReply): string {
  return endingWord("anthropic", reply) ?? ((reply.toolCalls ?? []).length > 0 ? "tool_use" : "end_turn");
}

function messageStart(context: ReplyContext): string {
  return sseEvent("message_start", {
    type: "message_start",
    message: {
      id: `msg_fake_${context.nextId()}`,
      type: "message",
      role: "assistant",
      model: context.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Real streams report input tokens up front and output tokens in message_delta.
      usage: { ...usageOf(context), output_tokens: 1 },
    },
  });
}

function blockStart(index: number, contentBlock: JsonObject): string {
  return sseEvent("content_block_start", { type: "content_block_start", index, content_block: contentBlock });
}

function blockDelta(index: number, delta: JsonObject): string {
  return sseEvent("content_block_delta", { type: "content_block_delta", index, delta });
}

function blockStop(index: number): string {
  return sseEvent("content_block_stop", { type: "content_block_stop", index });
}
