import { AbortedError } from "../core/errors.ts";
import type { ModelEnding } from "../core/messages.ts";
import type { FinishReason, ModelClient, ModelInfo, ModelRequest, ModelStreamEvent } from "../core/model.ts";
import type { Usage } from "../core/usage.ts";
import { lookupModel } from "./catalog.ts";

/** One scripted model reply. */
interface FauxResponse {
  text?: string;
  reasoning?: string;
  toolCalls?: Array<{ toolName: string; input: unknown; toolCallId?: string }>;
  usage?: Partial<Usage>;
  /** Defaults to "tool-calls" when there are tool calls, "stop" otherwise. */
  finishReason?: FinishReason;
  /** Thrown instead of replying (after any text, so partial output can be tested). */
  error?: Error;
  /** The answer ends short, as a provider package's finish says it (providers/provider-stream.ts). */
  ending?: { reason: ModelEnding; raw?: string; unfinishedToolCalls?: string[]; finishMessage?: string };
}

/** The unified reason each provider package reports with an ending (providers/provider-stream.ts endingOf). */
const FAUX_FINISH_REASONS: Record<ModelEnding, FinishReason> = {
  "max-tokens": "length",
  "context-window": "length",
  refusal: "content-filter",
  "content-filter": "content-filter",
  "malformed-call": "error",
};

export type FauxStep = FauxResponse | ((request: ModelRequest) => FauxResponse | Promise<FauxResponse>);

export interface FauxModel extends ModelClient {
  /** Every request received, in order (copies, so later mutation by the caller does not change them). */
  requests: ModelRequest[];
  /** Adds replies to the end of the script. */
  push(...steps: FauxStep[]): void;
  /** Replies not yet used. */
  remaining(): number;
}

/**
 * An in-process ModelClient for unit tests: each request takes the next step of
 * the script (a reply, or a function of the request that returns one) and
 * streams it as a real model would: text in a few deltas, then tool calls,
 * then finish with usage. With the script used up, it throws.
 */
export function createFauxModel(script: FauxStep[] = [], info?: Partial<ModelInfo>): FauxModel {
  const steps = [...script];
  const requests: ModelRequest[] = [];
  let callCount = 0;
  const modelInfo: ModelInfo = { ...lookupModel("faux", "faux-model"), ...info };

  async function* stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelStreamEvent> {
    requests.push(structuredClone(request));
    callCount++;
    const step = steps.shift();
    if (!step) throw new Error(`faux model: no scripted reply for request ${callCount}`);
    const response = typeof step === "function" ? await step(request) : step;
    if (signal.aborted) throw new AbortedError();

    if (response.reasoning) yield { type: "reasoning-delta", text: response.reasoning };
    for (const chunk of splitIntoDeltas(response.text ?? "")) {
      await Promise.resolve();
      if (signal.aborted) throw new AbortedError();
      yield { type: "text-delta", text: chunk };
    }
    if (response.error) throw response.error;

    const toolCalls = response.toolCalls ?? [];
    for (const [index, call] of toolCalls.entries()) {
      yield {
        type: "tool-call",
        toolCallId: call.toolCallId ?? `faux-call-${callCount}-${index + 1}`,
        toolName: call.toolName,
        input: call.input,
      };
    }
    const ending = response.ending;
    yield {
      type: "finish",
      finishReason:
        response.finishReason ??
        (ending ? FAUX_FINISH_REASONS[ending.reason] : toolCalls.length > 0 ? "tool-calls" : "stop"),
      usage: usageOf(request, response),
      ...(ending
        ? {
            ending: ending.reason,
            ...(ending.raw ? { rawReason: ending.raw } : {}),
            ...(ending.unfinishedToolCalls ? { unfinishedToolCalls: ending.unfinishedToolCalls } : {}),
            ...(ending.finishMessage ? { finishMessage: ending.finishMessage } : {}),
          }
        : {}),
    };
  }

  return {
    info: modelInfo,
    requests,
    stream,
    push: (...more) => steps.push(...more),
    remaining: () => steps.length,
  };
}

/** Three roughly equal pieces, so consumers see streaming rather than one block. */
function splitIntoDeltas(text: string): string[] {
  if (text.length === 0) return [];
  const size = Math.max(1, Math.ceil(text.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

/** Scripted usage, or a rough estimate (four characters a token) so budgets and costs have numbers to work on. */
function usageOf(request: ModelRequest, response: FauxResponse): Usage {
  const inputCharacters = request.system.length + JSON.stringify(request.messages).length;
  const outputCharacters = (response.text ?? "").length + JSON.stringify(response.toolCalls ?? []).length;
  return {
    inputTokens: response.usage?.inputTokens ?? Math.ceil(inputCharacters / 4),
    outputTokens: response.usage?.outputTokens ?? Math.ceil(outputCharacters / 4),
    cacheReadTokens: response.usage?.cacheReadTokens ?? 0,
    cacheWriteTokens: response.usage?.cacheWriteTokens ?? 0,
  };
}
