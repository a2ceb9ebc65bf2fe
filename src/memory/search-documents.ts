import { type Message, messageText } from "../core/messages.ts";
import type { ReadMemory } from "./memory-store.ts";
import { redactSecrets } from "./redaction.ts";
import type { MemoryScope } from "./scopes.ts";
import { spokenDay } from "./search/temporal.ts";
import { transcriptTitle } from "./search/transcript-title.ts";
import type { SearchDocument } from "./search/types.ts";

/** How much of each neighbouring message a transcript passage carries as context. */
const NEIGHBOUR_CHARS = 400;

/** A transcript message's searchable text (redacted), or undefined when it has none (tool results). */
export function transcriptText(message: Message): string | undefined {
  if (message.role === "tool") return undefined;
  const text = messageText(message);
  return text.trim() ? redactSecrets(text.slice(0, 4_000)).text : undefined;
}

/** The start of a neighbouring message, as its role says it: "user: …". */
function neighbourLine(neighbour: { role: string; text: string }): string {
  const text = neighbour.text.replace(/\s+/g, " ").trim();
  return `${neighbour.role}: ${text.length > NEIGHBOUR_CHARS ? `${text.slice(0, NEIGHBOUR_CHARS)}…` : text}`;
}

export interface TranscriptPassage {
  sessionId: string;
  sequence: number;
  role: string;
  /** transcriptText of the message. */
  text: string;
  at: number;
}

/**
 * One transcript message as a search document, with the messages just before and after it as
 * low-weight context: a question's words are often split between a turn and its answer ("which
 * flag did we use?" / "--frozen-lockfile"), and measured on LoCoMo, indexing a turn with its
 * neighbours raised recall@10 by about 0.03 (BENCHMARKS.md).
 */
export function transcriptDocument(
  passage: TranscriptPassage,
  projectKey: string,
  neighbours: { before?: TranscriptPassage | undefined; after?: TranscriptPassage | undefined } = {},
): SearchDocument {
  const { sessionId, at } = passage;
  const context = [spokenDay(at)];
  if (neighbours.before) context.push(neighbourLine(neighbours.before));
  if (neighbours.after) context.push(neighbourLine(neighbours.after));
  return {
    id: `${sessionId}#${passage.sequence}`,
    kind: "transcript",
    scope: "session",
    projectKey,
    sessionId,
    title: transcriptTitle(passage.role, sessionId),
    body: passage.text,
    context: context.join("\n"),
    updatedAt: at,
  };
}

/**
 * The search index is shared by every project, so project and local memories
 * carry their project in the id (two repos may both have a "test-command").
 */
export function memoryDocumentId(scope: MemoryScope, name: string, projectKey: string): string {
  return scope === "user" ? `memory:user/${name}` : `memory:${scope}@${projectKey}/${name}`;
}

/** One memory file as a search document: its name and description as the title, type and paths as context. */
export function memoryDocument(entry: ReadMemory, projectKey: string, now: () => number): SearchDocument {
  return {
    id: memoryDocumentId(entry.scope, entry.name, projectKey),
    kind: "memory",
    scope: entry.scope,
    ...(entry.scope === "user" ? {} : { projectKey }),
    title: `${entry.name.replaceAll("-", " ")}: ${entry.description}`,
    body: entry.memory.body,
    context: [entry.type, ...(entry.paths ?? [])].join(" "),
    updatedAt: Date.parse(entry.updated ?? "") || now(),
  };
}
