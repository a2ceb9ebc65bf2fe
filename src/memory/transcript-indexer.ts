import type { Message } from "../core/messages.ts";
import type { SearchDocument } from "./search/types.ts";
import { type TranscriptPassage, transcriptDocument, transcriptText } from "./search-documents.ts";

/**
 * Indexes a session's messages as they are appended, each with its
 * neighbours as context: a message is indexed with the one before it, and
 * the one before is indexed again with this one after it (within the
 * caller's transaction: the session store appends a message and indexes it
 * in one commit, so this must not open one of its own).
 * Only the last message of each session is held, so memory stays flat
 * however long a session runs.
 */
export class TranscriptIndexer {
  private readonly last = new Map<string, { passage: TranscriptPassage; before?: TranscriptPassage }>();

  private readonly index: { upsert(document: SearchDocument): void };
  private readonly projectKey: string;

  constructor(index: { upsert(document: SearchDocument): void }, projectKey: string) {
    this.index = index;
    this.projectKey = projectKey;
  }

  /** Indexes one message (redacted first); false when it has no text to index (a tool result). */
  add(sessionId: string, sequence: number, message: Message, at: number): boolean {
    const text = transcriptText(message);
    if (text === undefined) return false;
    const passage: TranscriptPassage = { sessionId, sequence, role: message.role, text, at };
    const previous = this.last.get(sessionId);
    const documents = [transcriptDocument(passage, this.projectKey, { before: previous?.passage })];
    if (previous)
      documents.push(
        transcriptDocument(previous.passage, this.projectKey, { before: previous.before, after: passage }),
      );
    for (const document of documents) this.index.upsert(document);
    this.last.set(sessionId, { passage, ...(previous ? { before: previous.passage } : {}) });
    return true;
  }
}
