import { type Message, messageText } from "../core/messages.ts";
import type { ReadMemory } from "./memory-store.ts";
import { redactSecrets } from "./redaction.ts";
import type { MemoryScope } from "./scopes.ts";
import type { SearchDocument } from "./search/types.ts";

/** One transcript message as a search document (redacted first); undefined when it has no text (tool results). */
export function transcriptDocument(input: {
  sessionId: string;
  sequence: number;
  message: Message;
  at: number;
  projectKey: string;
}): SearchDocument | undefined {
  const { sessionId, message, at } = input;
  if (message.role === "tool") return undefined;
  const text = messageText(message);
  if (!text.trim()) return undefined;
  return {
    id: `${sessionId}#${input.sequence}`,
    kind: "transcript",
    scope: "session",
    projectKey: input.projectKey,
    sessionId,
    title: `${message.role} in session ${sessionId}`,
    body: redactSecrets(text.slice(0, 4_000)).text,
    // The day as people say it, so "what did we do in March" can find it.
    context: new Date(at).toLocaleDateString("en-GB", {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }),
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
