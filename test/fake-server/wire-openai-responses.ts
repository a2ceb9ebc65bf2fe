// OpenAI Responses API: POST /v1/responses. Event shapes follow the chunk
// schema in @ai-sdk/openai (response.created … response.completed) and OpenAI's
// streaming-events reference.
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

interface ProducedItems {
  /** Text of the assistant message items this server produced, by item id. */
  messageText: Map<string, string>;
}

/**
 * One adapter per server: with `store` on (the SDK default) the client sends
 * earlier assistant text back as `item_reference` ids, which only the server
 * that produced them can resolve.
 */
export function createResponsesWire(): WireAdapter {
  const produced: ProducedItems = { messageText: new Map() };

  function normalizeItem(messages: NormalizedMessage[], systemParts: string[], raw: unknown): void {
    const item = asObject(raw);
    const type = item.type ?? "message";
    if (type === "message") {
      const role = asString(item.role);
      const text = contentText(item.content);
      if (role === "system" || role === "developer") systemParts.push(text);
      else appendText(pushMessage(messages, role), text);
      return;
    }
    if (type === "function_call") {
      pushMessage(messages, "assistant").toolCalls.push({
        id: asString(item.call_id),
        name: asString(item.name),
        input: parseArguments(item.arguments),
      });
      return;
    }
    if (type === "function_call_output") {
      const output = typeof item.output === "string" ? item.output : contentText(item.output);
      pushMessage(messages, "tool").toolResults.push({ id: asString(item.call_id), output, isError: false });
      return;
    }
    if (type === "item_reference") {
      const text = produced.messageText.get(asString(item.id));
      if (text !== undefined) appendText(pushMessage(messages, "assistant"), text);
    }
    // reasoning and other item types do not appear in the normalized view.
  }

  function outputItems(reply: ScriptedReply, context: ReplyContext): JsonObject[] {
    const items: JsonObject[] = [];
    if (reply.reasoning) {
      items.push({
        type: "reasoning",
        id: `rs_fake_${context.nextId()}`,
        summary: [{ type: "summary_text", text: reply.reasoning }],
      });
    }
    if (reply.text) {
      const id = `msg_fake_${context.nextId()}`;
      produced.messageText.set(id, reply.text);
      // A refusal is the message's refusal part, not its output_text.
      const part =
        reply.ending === "refusal"
          ? { type: "refusal", refusal: reply.text }
          : { type: "output_text", text: reply.text, annotations: [] };
      items.push({ type: "message", id, status: "completed", role: "assistant", content: [part] });
    }
    for (const call of reply.toolCalls ?? []) {
      items.push({
        type: "function_call",
        id: `fc_fake_${context.nextId()}`,
        call_id: call.id ?? `call_fake_${context.nextId()}`,
        name: call.name,
        arguments: inputJson(call.input),
        status: "completed",
      });
    }
    return items;
  }

  return {
    wire: "openai-responses",

    checkHeaders(headers) {
      if (!/^Bearer\s+\S/.test(headers.authorization ?? "")) return "missing Authorization: Bearer header";
      return undefined;
    },

    checkBody(body) {
      if (typeof body.model !== "string" || body.model === "") return "missing model";
      if (!Array.isArray(body.input)) return "input must be an array";
      for (const [index, item] of body.input.entries()) {
        if (!isObject(item)) return `input[${index}] must be an object`;
      }
      if (body.tools !== undefined && !Array.isArray(body.tools)) return "tools must be an array";
      for (const [index, tool] of asArray(body.tools).entries()) {
        const object = asObject(tool);
        if (object.type !== "function") continue;
        if (typeof object.name !== "string" || object.name === "") return `tools[${index}]: missing name`;
        if (!isObject(object.parameters)) return `tools[${index}]: missing parameters schema`;
      }
      return undefined;
    },

    normalize(body) {
      const systemParts: string[] = typeof body.instructions === "string" ? [body.instructions] : [];
      const messages: NormalizedMessage[] = [];
      for (const item of asArray(body.input)) normalizeItem(messages, systemParts, item);
      const toolNames = asArray(body.tools).map((tool) => {
        const object = asObject(tool);
        return asString(object.name) || asString(object.type);
      });
      return { system: systemParts.join("\n\n"), messages, toolNames };
    },

    isStream(body) {
      return body.stream === true;
    },

    errorBody(status, message) {
      return { error: { message, type: errorType(status), param: null, code: errorCode(status) } };
    },

    streamEvents(reply, context) {
      const stream = new ResponseStream(context);
      const items = outputItems(reply, context);
      stream.emit("response.created", { response: stream.response("in_progress", []) });
      stream.emit("response.in_progress", { response: stream.response("in_progress", []) });
      for (const [outputIndex, item] of items.entries()) stream.item(outputIndex, item);
      const reason = reply.ending === "refusal" ? undefined : endingWord("openai-responses", reply);
      if (reason === undefined) {
        stream.emit("response.completed", { response: stream.response("completed", items) });
        return stream.events;
      }
      // Cut (max_output_tokens) or filtered: a call cut inside its arguments never gets its done events.
      if (reply.cutToolCall) stream.cutCall(items.length, reply.cutToolCall);
      stream.emit("response.incomplete", { response: stream.response("incomplete", items, reason) });
      return stream.events;
    },

    cutEvents(text, context) {
      const stream = new ResponseStream(context);
      stream.emit("response.created", { response: stream.response("in_progress", []) });
      const id = `msg_fake_${context.nextId()}`;
      const item = { type: "message", id, status: "in_progress", role: "assistant", content: [] };
      stream.emit("response.output_item.added", { output_index: 0, item });
      stream.messageDeltas(0, id, text);
      return stream.events;
    },

    jsonReply(reply, context) {
      return new ResponseStream(context).response("completed", outputItems(reply, context));
    },
  };
}

/** Builds the events of one streamed response, numbering them as the real API does. */
class ResponseStream {
  readonly events: string[] = [];
  private sequenceNumber = 0;
  private readonly id: string;
  private readonly createdAt = Math.floor(Date.now() / 1000);

  private readonly context: ReplyContext;

  constructor(context: ReplyContext) {
    this.context = context;
    this.id = `resp_fake_${context.nextId()}`;
  }

  emit(type: string, fields: JsonObject): void {
    this.events.push(sseEvent(type, { type, sequence_number: this.sequenceNumber++, ...fields }));
  }

  response(status: string, output: JsonObject[], incompleteReason?: string): JsonObject {
    const done = status === "completed" || status === "incomplete";
    return {
      id: this.id,
      object: "response",
      created_at: this.createdAt,
      status,
      model: this.context.model,
      output,
      incomplete_details: incompleteReason ? { reason: incompleteReason } : null,
      error: null,
      usage: done
        ? {
            input_tokens: this.context.inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: this.context.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: this.context.inputTokens + this.context.outputTokens,
          }
        : null,
    };
  }

  item(outputIndex: number, item: JsonObject): void {
    const id = asString(item.id);
    if (item.type === "reasoning") {
      const text = asString(asObject(asArray(item.summary)[0]).text);
      this.emit("response.output_item.added", { output_index: outputIndex, item: { ...item, summary: [] } });
      const part = { item_id: id, output_index: outputIndex, summary_index: 0 };
      this.emit("response.reasoning_summary_part.added", {
        ...part,
        part: { type: "summary_text", text: "" },
      });
      for (const piece of splitText(text))
        this.emit("response.reasoning_summary_text.delta", { ...part, delta: piece });
      this.emit("response.reasoning_summary_text.done", { ...part, text });
      this.emit("response.reasoning_summary_part.done", { ...part, part: { type: "summary_text", text } });
    } else if (item.type === "message" && asObject(asArray(item.content)[0]).type === "refusal") {
      this.refusalItem(outputIndex, item);
    } else if (item.type === "message") {
      const text = asString(asObject(asArray(item.content)[0]).text);
      this.emit("response.output_item.added", {
        output_index: outputIndex,
        item: { ...item, status: "in_progress", content: [] },
      });
      this.messageDeltas(outputIndex, id, text);
      const part = { type: "output_text", text, annotations: [] };
      this.emit("response.output_text.done", {
        item_id: id,
        output_index: outputIndex,
        content_index: 0,
        text,
      });
      this.emit("response.content_part.done", {
        item_id: id,
        output_index: outputIndex,
        content_index: 0,
        part,
      });
    } else if (item.type === "function_call") {
      const argumentsJson = asString(item.arguments);
      this.emit("response.output_item.added", {
        output_index: outputIndex,
        item: { ...item, arguments: "", status: "in_progress" },
      });
      for (const piece of splitJson(argumentsJson)) {
        this.emit("response.function_call_arguments.delta", {
          item_id: id,
          output_index: outputIndex,
          delta: piece,
        });
      }
      this.emit("response.function_call_arguments.done", {
        item_id: id,
        output_index: outputIndex,
        arguments: argumentsJson,
      });
    }
    this.emit("response.output_item.done", { output_index: outputIndex, item });
  }

  /** A message whose one part is a refusal: its own delta and done events, as the API streams them. */
  private refusalItem(outputIndex: number, item: JsonObject): void {
    const id = asString(item.id);
    const refusal = asString(asObject(asArray(item.content)[0]).refusal);
    const at = { item_id: id, output_index: outputIndex, content_index: 0 };
    this.emit("response.output_item.added", {
      output_index: outputIndex,
      item: { ...item, status: "in_progress", content: [] },
    });
    this.emit("response.content_part.added", { ...at, part: { type: "refusal", refusal: "" } });
    for (const piece of splitText(refusal)) this.emit("response.refusal.delta", { ...at, delta: piece });
    this.emit("response.refusal.done", { ...at, refusal });
    this.emit("response.content_part.done", { ...at, part: { type: "refusal", refusal } });
  }

  /** A function call whose arguments stop mid-way: added and streamed, never done. */
  cutCall(outputIndex: number, call: { name: string; partialInput: string; id?: string }): void {
    const id = `fc_fake_${this.context.nextId()}`;
    const callId = call.id ?? `call_fake_${this.context.nextId()}`;
    this.emit("response.output_item.added", {
      output_index: outputIndex,
      item: {
        type: "function_call",
        id,
        call_id: callId,
        name: call.name,
        arguments: "",
        status: "in_progress",
      },
    });
    for (const piece of splitJson(call.partialInput))
      this.emit("response.function_call_arguments.delta", {
        item_id: id,
        output_index: outputIndex,
        delta: piece,
      });
  }

  messageDeltas(outputIndex: number, itemId: string, text: string): void {
    this.emit("response.content_part.added", {
      item_id: itemId,
      output_index: outputIndex,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    });
    for (const piece of splitText(text)) {
      this.emit("response.output_text.delta", {
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
        delta: piece,
        logprobs: [],
      });
    }
  }
}

function errorType(status: number): string {
  if (status === 401) return "invalid_request_error";
  if (status === 429) return "rate_limit_exceeded";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function errorCode(status: number): string | null {
  if (status === 401) return "invalid_api_key";
  if (status === 429) return "rate_limit_exceeded";
  return null;
}
