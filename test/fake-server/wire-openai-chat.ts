// OpenAI Chat Completions: POST /v1/chat/completions. Chunk shapes follow the
// schema in @ai-sdk/openai-compatible (chat.completion.chunk … data: [DONE]).

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
  parseArguments,
  pushMessage,
  splitJson,
  splitText,
  sseEvent,
  type WireAdapter,
} from "./wire-common.ts";
import { endingWord } from "./wire-endings.ts";

const roles = new Set(["system", "developer", "user", "assistant", "tool"]);

interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

function toolCallsOf(reply: ScriptedReply, context: ReplyContext): ChatToolCall[] {
  return (reply.toolCalls ?? []).map((call) => ({
    id: call.id ?? `call_fake_${context.nextId()}`,
    name: call.name,
    arguments: inputJson(call.input),
  }));
}

function finishReason(reply: ScriptedReply): string {
  return endingWord("openai-chat", reply) ?? ((reply.toolCalls ?? []).length > 0 ? "tool_calls" : "stop");
}

function usageOf(context: ReplyContext) {
  return {
    prompt_tokens: context.inputTokens,
    completion_tokens: context.outputTokens,
    total_tokens: context.inputTokens + context.outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
  };
}

function normalizeMessage(messages: NormalizedMessage[], systemParts: string[], raw: unknown): void {
  const message = asObject(raw);
  const role = asString(message.role);
  if (role === "system" || role === "developer") {
    systemParts.push(contentText(message.content));
    return;
  }
  if (role === "tool") {
    pushMessage(messages, "tool").toolResults.push({
      id: asString(message.tool_call_id),
      output: contentText(message.content),
      isError: false,
    });
    return;
  }
  const normalized = pushMessage(messages, role);
  if (message.content !== null && message.content !== undefined)
    appendText(normalized, contentText(message.content));
  for (const rawCall of asArray(message.tool_calls)) {
    const call = asObject(rawCall);
    const fn = asObject(call.function);
    normalized.toolCalls.push({
      id: asString(call.id),
      name: asString(fn.name),
      input: parseArguments(fn.arguments),
    });
  }
}

export const openaiChatWire: WireAdapter = {
  wire: "openai-chat",

  checkHeaders(headers) {
    // OpenAI itself always needs a key, but local OpenAI-compatible servers
    // (Ollama, llama.cpp) take none, and clients for them send no header at
    // all; so only a header that is present must be a proper Bearer.
    const authorization = headers.authorization;
    if (authorization !== undefined && !/^Bearer\s+\S/.test(authorization)) {
      return "Authorization header must be 'Bearer <key>'";
    }
    return undefined;
  },

  checkBody(body) {
    if (typeof body.model !== "string" || body.model === "") return "missing model";
    if (!Array.isArray(body.messages)) return "messages must be an array";
    for (const [index, message] of body.messages.entries()) {
      if (!isObject(message) || !roles.has(asString(message.role))) {
        return `messages[${index}]: unknown role`;
      }
      if (message.role === "tool" && typeof message.tool_call_id !== "string") {
        return `messages[${index}]: tool message without tool_call_id`;
      }
    }
    if (body.tools !== undefined && !Array.isArray(body.tools)) return "tools must be an array";
    for (const [index, tool] of asArray(body.tools).entries()) {
      const fn = asObject(asObject(tool).function);
      if (typeof fn.name !== "string" || fn.name === "") return `tools[${index}]: missing function.name`;
      if (!isObject(fn.parameters)) return `tools[${index}]: missing function.parameters schema`;
    }
    return undefined;
  },

  normalize(body) {
    const systemParts: string[] = [];
    const messages: NormalizedMessage[] = [];
    for (const message of asArray(body.messages)) normalizeMessage(messages, systemParts, message);
    const toolNames = asArray(body.tools).map((tool) => asString(asObject(asObject(tool).function).name));
    return { system: systemParts.join("\n\n"), messages, toolNames };
  },

  isStream(body) {
    return body.stream === true;
  },

  errorBody(status, message) {
    const type =
      status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
    return { error: { message, type, param: null, code: null } };
  },

  streamEvents(reply, context) {
    const chunks = new ChunkWriter(context);
    chunks.delta({ role: "assistant", content: "" });
    for (const piece of splitText(reply.reasoning ?? "")) chunks.delta({ reasoning_content: piece });
    // A refusal comes in its own field, with finish_reason stop.
    const textField = reply.ending === "refusal" ? "refusal" : "content";
    for (const piece of splitText(reply.text ?? "")) chunks.delta({ [textField]: piece });
    const calls = toolCallsOf(reply, context);
    // A call cut at the limit: its arguments stop mid-way, and finish_reason length follows.
    if (reply.cutToolCall)
      calls.push({
        id: reply.cutToolCall.id ?? `call_fake_${context.nextId()}`,
        name: reply.cutToolCall.name,
        arguments: reply.cutToolCall.partialInput,
      });
    for (const [index, call] of calls.entries()) {
      chunks.delta({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      });
      for (const piece of splitJson(call.arguments)) {
        chunks.delta({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
    }
    chunks.finish(finishReason(reply));
    chunks.events.push(sseEvent(undefined, "[DONE]"));
    return chunks.events;
  },

  cutEvents(text, context) {
    const chunks = new ChunkWriter(context);
    chunks.delta({ role: "assistant", content: "" });
    for (const piece of splitText(text)) chunks.delta({ content: piece });
    return chunks.events;
  },

  jsonReply(reply, context) {
    const toolCalls = toolCallsOf(reply, context);
    const message: JsonObject = { role: "assistant", content: reply.text ?? null };
    if (reply.reasoning) message.reasoning_content = reply.reasoning;
    if (toolCalls.length > 0) {
      message.tool_calls = toolCalls.map((call) => ({
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: call.arguments },
      }));
    }
    return {
      id: `chatcmpl-fake-${context.nextId()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: context.model,
      choices: [{ index: 0, message, finish_reason: finishReason(reply) }],
      usage: usageOf(context),
    };
  },
};

class ChunkWriter {
  readonly events: string[] = [];
  private readonly id: string;
  private readonly created = Math.floor(Date.now() / 1000);

  private readonly context: ReplyContext;

  constructor(context: ReplyContext) {
    this.context = context;
    this.id = `chatcmpl-fake-${context.nextId()}`;
  }

  private chunk(choice: JsonObject, extra: JsonObject = {}): void {
    this.events.push(
      sseEvent(undefined, {
        id: this.id,
        object: "chat.completion.chunk",
        created: this.created,
        model: this.context.model,
        choices: [{ index: 0, ...choice }],
        ...extra,
      }),
    );
  }

  delta(delta: JsonObject): void {
    this.chunk({ delta, finish_reason: null });
  }

  finish(reason: string): void {
    this.chunk({ delta: {}, finish_reason: reason }, { usage: usageOf(this.context) });
  }
}
