import type { Message } from "../../core/messages.ts";
import { sessionDigest } from "./digest.ts";

/** One reflection request's worth of messages: `first` is the index of its first message in the input. */
export interface DigestPart {
  messages: Message[];
  characters: number;
  first: number;
}

/**
 * A reflection request's digest keeps the start and end of what it is given and drops the middle
 * past its budget (24,000 characters): right for a short session, a loss for a long one or another
 * agent's long history. So the messages are cut into parts whose digest fits, each reflected on in
 * turn (a tacit session's, an imported one's), and all of it is read.
 */
const PART_DIGEST_CHARACTERS = 20_000;

export function digestParts(messages: readonly Message[]): DigestPart[] {
  const parts: DigestPart[] = [];
  let current: DigestPart = { messages: [], characters: 0, first: 0 };
  messages.forEach((message, index) => {
    const size = sessionDigest([message]).length + 1;
    if (current.messages.length > 0 && current.characters + size > PART_DIGEST_CHARACTERS) {
      parts.push(current);
      current = { messages: [], characters: 0, first: index };
    }
    current.messages.push(message);
    current.characters += size;
  });
  parts.push(current);
  // A part with nothing the digest shows (only reasoning, say) is not worth a request.
  return parts.filter((part) => part.characters > part.messages.length);
}
