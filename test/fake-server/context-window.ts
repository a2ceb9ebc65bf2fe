import type { Wire } from "./types.ts";

/**
 * The error each wire answers when a request is longer than the model's
 * context window, in the provider's own status and words, so tacit's
 * "prompt too long" handling is tested against what it will really meet.
 */
export function contextOverflowReply(
  wire: Wire,
  tokens: number,
  limit: number,
): { status: number; body: unknown } {
  switch (wire) {
    case "anthropic":
      return {
        status: 400,
        body: {
          type: "error",
          error: {
            type: "invalid_request_error",
            message: `prompt is too long: ${tokens} tokens > ${limit} maximum`,
          },
        },
      };
    case "openai-responses":
      return {
        status: 400,
        body: {
          error: {
            message:
              "Your input exceeds the context window of this model. Please adjust your input and try again.",
            type: "invalid_request_error",
            param: "input",
            code: "context_length_exceeded",
          },
        },
      };
    case "openai-chat":
      return {
        status: 400,
        body: {
          error: {
            message: `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
            type: "invalid_request_error",
            param: "messages",
            code: "context_length_exceeded",
          },
        },
      };
    case "google":
      return {
        status: 400,
        body: {
          error: {
            code: 400,
            message: `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${limit}).`,
            status: "INVALID_ARGUMENT",
          },
        },
      };
  }
}
