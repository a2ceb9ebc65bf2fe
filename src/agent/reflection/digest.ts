import { type Message, messageText, type ToolCallPart, type ToolResultPart } from "../../core/messages.ts";
import { redactSecrets } from "../../memory/redaction.ts";
import { COMPACTION_MARKER, isCompactionSummary } from "../compaction.ts";

export interface DigestOptions {
  /** Characters for the whole digest (default 24,000, about 6,000 tokens). */
  budgetCharacters?: number;
}

const DEFAULT_BUDGET_CHARACTERS = 24_000;
// What the user said is the best learning material, so it is kept whole unless one message alone
// would crowd out the rest (a pasted log).
const USER_MESSAGE_SHARE = 0.25;
const ASSISTANT_TEXT_CHARACTERS = 600;
const SUMMARY_CHARACTERS = 3_000;
const CALL_ARGUMENT_CHARACTERS = 160;
// A result that worked matters little (its first lines say what came back); a failure, and what
// the agent did next, is how a command that works gets learned, so it keeps more.
const RESULT_LINES = 2;
const RESULT_CHARACTERS = 200;
const ERROR_LINES = 12;
const ERROR_CHARACTERS = 900;
// The share of the budget for the start of the session (the goal); the rest keeps the end.
const HEAD_SHARE = 0.3;

/** The arguments that say what a call was about, in the order they are looked for. */
const KEY_ARGUMENTS = [
  "command",
  "cmd",
  "path",
  "file_path",
  "filePath",
  "pattern",
  "query",
  "url",
  "old_path",
  "name",
];

/**
 * A compact text of a session for the reflection model: each user message whole (the context
 * tacit added to it, recalled memories, left out: the model judged those already), the assistant's
 * words trimmed, each tool call as one line (its name and key argument), results cut to their first
 * lines (failures kept longer) and quoted behind "│", and compaction summaries as "earlier summary".
 * Only a block's first line starts at the margin, so no quoted text can pose as "[user]". Redacted again, since
 * imported transcripts never passed tacit's store. Over the budget, the middle goes first: the start
 * holds the goal, the end what was decided.
 */
export function sessionDigest(messages: readonly Message[], options: DigestOptions = {}): string {
  const budget = options.budgetCharacters ?? DEFAULT_BUDGET_CHARACTERS;
  const blocks = messages.flatMap((message) => digestBlocks(message, budget));
  return fitBlocks(blocks, budget).join("\n");
}

function digestBlocks(message: Message, budget: number): string[] {
  switch (message.role) {
    case "user": {
      if (isCompactionSummary(message)) {
        const summary = messageText(message).slice(COMPACTION_MARKER.length).trim();
        return [block("[earlier summary]", cut(clean(summary), SUMMARY_CHARACTERS))];
      }
      const text = messageText(message).trim();
      return text ? [block("[user]", cut(clean(text), Math.floor(budget * USER_MESSAGE_SHARE)))] : [];
    }
    case "assistant":
      return message.content.flatMap((part) => {
        if (part.type === "text" && part.text.trim()) {
          return [block("[assistant]", cut(clean(part.text.trim()), ASSISTANT_TEXT_CHARACTERS))];
        }
        if (part.type === "tool-call") return [`  → ${callLine(part)}`];
        return []; // reasoning: the words that followed it say what was concluded
      });
    case "tool":
      return message.content.map(resultLine);
  }
}

/** `Bash npm test`, `Read src/app.ts`, `memory create /memories/user/x.md`. */
function callLine(call: ToolCallPart): string {
  const input = call.input;
  if (typeof input === "string") return `${call.toolName} ${oneLine(input, CALL_ARGUMENT_CHARACTERS)}`;
  if (!input || typeof input !== "object") return call.toolName;
  const fields = input as Record<string, unknown>;
  const subcommand = call.toolName === "memory" && typeof fields.command === "string" ? fields.command : "";
  const key = KEY_ARGUMENTS.find(
    (name) => !(subcommand && name === "command") && valueText(fields[name]) !== undefined,
  );
  const argument = key ? valueText(fields[key]) : firstTextValue(fields);
  return [call.toolName, subcommand, argument ? clean(oneLine(argument, CALL_ARGUMENT_CHARACTERS)) : ""]
    .filter(Boolean)
    .join(" ");
}

/**
 * A speaker's words; lines after the first are indented, so only a block's own first line starts
 * at the margin: text that says "\n[user] …" (echoed from a file, a page, a summary) cannot pose
 * as the user.
 */
function block(speaker: string, text: string): string {
  return `${speaker} ${text.replace(/\n/g, "\n  ")}`;
}

/**
 * A tool's output, every line quoted behind "│" (the reflection prompt says what that means):
 * files, pages and command output are data for reflection, never words of the user or orders.
 */
function resultLine(result: ToolResultPart): string {
  const output = result.output.trim();
  const text = result.isError
    ? clean(firstLines(output, ERROR_LINES, ERROR_CHARACTERS))
    : output
      ? clean(firstLines(output, RESULT_LINES, RESULT_CHARACTERS))
      : "";
  const mark = result.isError ? "✗" : "✓";
  if (!text) return `    ${mark} (no output)`;
  return `    ${mark} │ ${text.replace(/\n/g, "\n      │ ")}`;
}

function valueText(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim()) return value;
  if (Array.isArray(value) && value.every((item) => typeof item === "string") && value.length > 0) {
    return value.join(" ");
  }
  return undefined;
}

/** For a tool whose arguments have none of the usual names: its first text value. */
function firstTextValue(fields: Record<string, unknown>): string | undefined {
  for (const value of Object.values(fields)) {
    const text = valueText(value);
    if (text) return text;
  }
  return undefined;
}

/**
 * Redacts, then cuts. Redacting first sees each secret whole (a cut could leave a fragment no rule
 * recognises); the text is first bounded generously so a huge output costs little to scan.
 */
function clean(text: string): string {
  return redactSecrets(text.length > 20_000 ? text.slice(0, 20_000) : text).text;
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text;
}

function oneLine(text: string, limit: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > limit ? `${line.slice(0, limit)}…` : line;
}

function firstLines(text: string, lines: number, limit: number): string {
  const all = text.split("\n");
  const kept = all.slice(0, lines).join("\n");
  const more = all.length > lines ? ` (+${all.length - lines} lines)` : "";
  const bounded = kept.length > limit ? `${kept.slice(0, limit)}…` : kept;
  return `${bounded}${more}`;
}

/** Whole blocks from the start and from the end, within the budget; the middle is said to be left out. */
function fitBlocks(blocks: string[], budget: number): string[] {
  const total = blocks.reduce((sum, block) => sum + block.length + 1, 0);
  if (total <= budget) return blocks;
  const headBudget = Math.floor(budget * HEAD_SHARE);
  const head: string[] = [];
  let used = 0;
  for (const block of blocks) {
    if (used + block.length + 1 > headBudget) break;
    head.push(block);
    used += block.length + 1;
  }
  const tail: string[] = [];
  for (let index = blocks.length - 1; index >= head.length; index--) {
    const block = blocks[index]!;
    if (used + block.length + 1 > budget) break;
    tail.unshift(block);
    used += block.length + 1;
  }
  const leftOut = blocks.length - head.length - tail.length;
  return [...head, `… (${leftOut} entries of the middle of the session left out) …`, ...tail];
}

/** How many times the user spoke (compaction summaries and context-only messages do not count): `reflection.minUserTurns` is held to it. */
export function userTurns(messages: readonly Message[]): number {
  return messages.filter(
    (message) =>
      message.role === "user" && !isCompactionSummary(message) && messageText(message).trim() !== "",
  ).length;
}
