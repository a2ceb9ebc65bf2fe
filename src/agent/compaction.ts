import { AbortedError } from "../core/errors.ts";
import { type Message, type ModelEnding, type UserMessage, userMessage } from "../core/messages.ts";
import type { ModelClient } from "../core/model.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import { costOf } from "../providers/cost.ts";

/**
 * Compaction: the conversation so far is summarised by the current model and
 * replaced, in memory, by one user message holding that summary. The stored
 * transcript keeps every message and gets the summary appended as a marker
 * message; on resume, AgentSession starts from the last marker (see
 * conversationAfterCompaction), so a resumed session has the compacted state
 * while `tacit sessions show` still shows everything.
 */

/** The first line of every compaction summary message: how it is recognised again on resume. */
export const COMPACTION_MARKER = "[tacit: summary of earlier turns, which were compacted to free context]";

const SUMMARY_SYSTEM_PROMPT = [
  "You summarise a coding session between a user and a coding agent so the agent can continue the work with only your summary as its memory of it.",
  "Write plain Markdown with these sections: Goal (what the user wants, in their words where it matters); Decisions and constraints; Work done (files created or changed, commands run and their outcome); Current state (what works, what fails, open errors); Next steps.",
  "Keep exact file paths, function names, commands, error messages and values. Leave out pleasantries and anything already superseded. Be concise: a few hundred words unless the work truly needs more.",
].join("\n");

const SUMMARY_REQUEST =
  "Summarise the session transcript above following your instructions. Reply with the summary only.";

/** Tool output beyond this many characters is cut in the transcript sent for summarising. */
const MAX_TOOL_OUTPUT_CHARACTERS = 2_000;
const MAX_SUMMARY_OUTPUT_TOKENS = 4_096;

export interface CompactionInput {
  model: ModelClient;
  messages: readonly Message[];
  signal: AbortSignal;
}

export interface CompactionResult {
  /** The summary text as the model wrote it. */
  summary: string;
  /** The message that replaces the conversation (marker line, then the summary). */
  message: UserMessage;
  /** Estimated tokens of the conversation before and after (four characters a token). */
  tokensBefore: number;
  tokensAfter: number;
  /** What the summarising request cost. */
  usage: Usage;
  costUsd: number;
}

/** Rough token count of messages: four characters a token, as elsewhere when no tokenizer is at hand. */
export function estimateMessageTokens(messages: readonly Message[]): number {
  let characters = 0;
  for (const message of messages) {
    if (message.role !== "user") {
      characters += JSON.stringify(message.content).length;
      continue;
    }
    // An image costs the model a bounded number of tokens whatever its bytes (about 1,600 for a
    // large one on Anthropic's and OpenAI's scales); its base64 would count a screenshot as a book.
    for (const part of message.content) {
      characters += part.type === "image" ? IMAGE_TOKENS * 4 : JSON.stringify(part).length;
    }
  }
  return Math.ceil(characters / 4);
}

const IMAGE_TOKENS = 1_600;

/** True for the user message that compaction wrote. */
export function isCompactionSummary(message: Message): boolean {
  if (message.role !== "user") return false;
  const first = message.content[0];
  return first?.type === "text" && first.text.startsWith(COMPACTION_MARKER);
}

/** The conversation as the model should see it: from the last compaction summary on. */
export function conversationAfterCompaction(messages: readonly Message[]): Message[] {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (isCompactionSummary(messages[index]!)) return messages.slice(index);
  }
  return [...messages];
}

const SUMMARY_ENDED: Record<ModelEnding, string> = {
  "max-tokens": "the summary was cut off at the model's output-token limit",
  "context-window": "the summary was cut off where it filled the model's context window",
  refusal: "the model refused to write the summary",
  "content-filter": "the provider's content filter stopped the summary",
  "malformed-call": "the model answered with a tool call the provider could not read",
};

/**
 * Asks the model for a summary of the conversation. The conversation is sent
 * as a plain-text transcript inside one user message, with no tools: some
 * providers refuse tool-call blocks in a request that defines no tools, and a
 * transcript reads the same on every wire.
 */
export async function compactConversation(input: CompactionInput): Promise<CompactionResult> {
  const { model, messages, signal } = input;
  if (messages.length === 0) throw new Error("nothing to compact: the conversation is empty");
  const transcript = fitToBudget(renderTranscript(messages), transcriptBudget(model));
  const request = {
    system: SUMMARY_SYSTEM_PROMPT,
    messages: [userMessage(`<transcript>\n${transcript}\n</transcript>\n\n${SUMMARY_REQUEST}`)],
    tools: [],
    maxOutputTokens: Math.min(MAX_SUMMARY_OUTPUT_TOKENS, model.info.maxOutputTokens),
  };
  let summary = "";
  let usage = emptyUsage();
  let ending: ModelEnding | undefined;
  for await (const event of model.stream(request, signal)) {
    if (signal.aborted) throw new AbortedError();
    if (event.type === "text-delta") summary += event.text;
    else if (event.type === "finish") {
      usage = addUsage(usage, event.usage);
      ending ??= event.ending;
    }
  }
  // A cut summary loses the newest work; a refusal or a filtered answer is no summary at all. Either
  // would replace the conversation for good, so it is kept, as for an empty summary.
  if (ending) throw new Error(`${SUMMARY_ENDED[ending]}; the conversation was left as it was`);
  summary = summary.trim();
  if (!summary) throw new Error("the model returned an empty summary; the conversation was left as it was");
  const message = userMessage(`${COMPACTION_MARKER}\n\n${summary}`);
  return {
    summary,
    message,
    tokensBefore: estimateMessageTokens(messages),
    tokensAfter: estimateMessageTokens([message]),
    usage,
    costUsd: costOf(usage, model.info),
  };
}

/**
 * The conversation to go on with after a summary written in the middle of a
 * turn. The summary covers every message; the newest step is also kept as it
 * is, because the model is about to act on it: the last tool calls and their
 * results, or the user's request (joined to the summary, so two user
 * messages never follow each other).
 */
export function continueAfterSummary(summary: UserMessage, messages: readonly Message[]): Message[] {
  const last = messages.at(-1);
  if (last?.role === "user") return [{ role: "user", content: [...summary.content, ...last.content] }];
  if (last?.role === "tool") {
    const previous = messages.at(-2);
    if (previous?.role === "assistant") return [summary, previous, last];
  }
  return [summary];
}

/** One line per text part, tool call and tool result, labelled by who said it. */
export function renderTranscript(messages: readonly Message[]): string {
  const blocks: string[] = [];
  for (const message of messages) {
    if (message.role === "user") {
      const text = message.content
        .map((part) => (part.type === "text" ? part.text : `[image ${part.name}]`))
        .join("\n");
      blocks.push(isCompactionSummary(message) ? `[earlier summary]\n${text}` : `[user]\n${text}`);
    } else if (message.role === "assistant") {
      for (const part of message.content) {
        if (part.type === "text" && part.text.trim()) blocks.push(`[assistant]\n${part.text}`);
        else if (part.type === "tool-call")
          blocks.push(`[assistant called ${part.toolName}]\n${JSON.stringify(part.input)}`);
      }
    } else {
      for (const part of message.content) {
        const output =
          part.output.length > MAX_TOOL_OUTPUT_CHARACTERS
            ? `${part.output.slice(0, MAX_TOOL_OUTPUT_CHARACTERS)}\n… (${part.output.length - MAX_TOOL_OUTPUT_CHARACTERS} more characters)`
            : part.output;
        blocks.push(`[${part.toolName} ${part.isError ? "failed" : "returned"}]\n${output}`);
      }
    }
  }
  return blocks.join("\n\n");
}

/** Characters of transcript that leave room for the instructions and the summary in the model's window. */
function transcriptBudget(model: ModelClient): number {
  const tokens = model.info.contextWindow - MAX_SUMMARY_OUTPUT_TOKENS - 2_000;
  return Math.max(8_000, tokens * 3);
}

/** Keeps the start (the goal) and the end (the current state); the middle goes first. */
function fitToBudget(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const head = Math.floor(budget * 0.2);
  const tail = budget - head;
  return `${text.slice(0, head)}\n\n… (${text.length - budget} characters of the middle left out) …\n\n${text.slice(-tail)}`;
}
