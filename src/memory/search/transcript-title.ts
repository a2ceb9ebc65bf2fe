/**
 * How a past turn of tacit's own is titled in the search index: by who said it ("user in session
 * <id>"), not by a name. Made in one place (memory/search-documents.ts) and read by the ranking,
 * which must tell such a title from a speaker's or a memory's name (named-titles.ts) and a
 * user's question from the assistant's (answer-lift.ts).
 */
export function transcriptTitle(role: string, sessionId: string): string {
  return `${role} in session ${sessionId}`;
}

/** The role a transcript title names, or undefined for any other title (a memory's, a speaker's). */
export function transcriptRoleOf(title: string): "user" | "assistant" | undefined {
  return /^(user|assistant) in session /.exec(title)?.[1] as "user" | "assistant" | undefined;
}
