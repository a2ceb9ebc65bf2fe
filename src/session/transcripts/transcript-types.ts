import type { Message } from "../../core/messages.ts";

/** The coding agents whose past sessions tacit can learn from. */
const TRANSCRIPT_AGENTS = ["claude-code", "codex"] as const;
export type TranscriptAgent = (typeof TRANSCRIPT_AGENTS)[number];

/** One past session of another agent, found on disk. */
export interface TranscriptSession {
  agent: TranscriptAgent;
  /** The agent's own session id (Claude Code's file uuid, Codex's session_meta id). */
  id: string;
  file: string;
  /** The folder the session ran in, when the transcript says. */
  cwd: string | undefined;
  /**
   * Whether the session ran in this project (its cwd is the project or a folder inside it). One that
   * did not (--all-projects, a path given) may teach only lessons about the user that hold everywhere.
   */
  inProject: boolean;
  /** The file's last change: --since compares with it, so a session continued later counts. */
  modifiedAt: Date;
  sizeBytes: number;
}

/**
 * Turns one agent's parsed transcript entries into tacit's messages. It lives for a whole file (a
 * tool result names the call made lines before it), while `take` hands over what it has so far.
 */
export interface TranscriptConverter {
  /** Takes one entry; false for an entry of a known kind whose shape is wrong (counted as malformed). */
  accept(entry: Record<string, unknown>): boolean;
  /** The messages made since the last take, in order. */
  take(): Message[];
  /** Characters of text held since the last take: the batch budget counts them. */
  readonly heldChars: number;
}

/** The longest text kept from one part. The digest trims further; this bounds memory while reading. */
const MAX_PART_CHARS = 16_000;

/** Text within MAX_PART_CHARS (or `limit`), saying how much was left out. */
export function clipText(text: string, limit = MAX_PART_CHARS): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}… [${text.length - limit} more characters not read]`;
}

/** A tool call's input within the part limit: big inputs (a whole file written) become their clipped JSON text. */
export function clipInput(input: unknown): unknown {
  const text = typeof input === "string" ? input : JSON.stringify(input ?? null);
  return text.length <= MAX_PART_CHARS ? input : clipText(text);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The characters a message holds, for the batch budget. */
export function messageChars(message: Message): number {
  let total = 0;
  for (const part of message.content) {
    if (part.type === "text" || part.type === "reasoning") total += part.text.length;
    else if (part.type === "tool-result") total += part.output.length;
    else if (part.type === "image") total += part.name.length;
    else
      total += typeof part.input === "string" ? part.input.length : JSON.stringify(part.input ?? null).length;
  }
  return total;
}
