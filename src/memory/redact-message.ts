import type { Message } from "../core/messages.ts";
import type { SessionRedaction } from "../session/store.ts";
import { isSecretName, redactSecrets } from "./redaction.ts";
import { looksLikeSecretValue } from "./secret-values.ts";

/** What every SessionStore is opened with: nothing reaches the session database unredacted. */
export const sessionRedaction: SessionRedaction = {
  message: (message) => redactMessage(message),
  text: (text) => redactSecrets(text).text,
};

/**
 * A message with every secret in its text, tool inputs and tool outputs
 * replaced by a marker. Used before transcripts are stored: the model saw the
 * original, but nothing on disk keeps it.
 */
export function redactMessage(message: Message): Message {
  const redact = (text: string) => redactSecrets(text).text;
  switch (message.role) {
    case "user":
      return {
        role: "user",
        // An image's bytes are the user's picture, not text: redaction has nothing to find in them.
        content: message.content.map((part) =>
          part.type === "text" ? { ...part, text: redact(part.text) } : part,
        ),
      };
    case "assistant":
      return {
        role: "assistant",
        // How the answer ended is no text of the model's: kept as it is (an export carries it).
        ...(message.ending ? { ending: message.ending } : {}),
        content: message.content.map((part) =>
          part.type === "tool-call"
            ? { ...part, input: redactToolInput(part.input, redact) }
            : { ...part, text: redact(part.text) },
        ),
      };
    case "tool":
      return {
        role: "tool",
        content: message.content.map((part) => ({ ...part, output: redact(part.output) })),
      };
  }
}

const NOT_KEPT = "[not kept: ";

/**
 * A call's input that did not parse (a call cut at the output limit mid-input, or a model that broke
 * off) is JSON text, its strings still escaped: "\n" glues a secret to the letter n, and a quote
 * or backslash inside one hides it from the patterns. It is never run, so what is kept is a note of
 * its size, not the text: nothing raw can reach disk through it.
 */
function unparsedInputNote(input: string): string {
  if (input.startsWith(NOT_KEPT)) return input; // stored already: redacting again keeps the note
  return `${NOT_KEPT}this call's input was not whole JSON (${input.length} characters), so it was never run]`;
}

function redactToolInput(input: unknown, redact: (text: string) => string): unknown {
  return typeof input === "string" ? unparsedInputNote(input) : redactValue(input, redact);
}

function redactValue(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redact));
  if (value && typeof value === "object") {
    // A value under a secret-looking key ({"apiKey": "…"}) has no recognisable format of its own;
    // judged like any named value, so {"sortKey": "createdAt"} stays as it was.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        typeof item === "string" && isSecretName(key) && looksLikeSecretValue(item, key, "loose")
          ? "[REDACTED:secret]"
          : redactValue(item, redact),
      ]),
    );
  }
  return value;
}
