import { AbortedError, ConfigError, ProviderError, UserFacingError } from "../../core/errors.ts";
import { UnexpectedResponseError } from "../response-check.ts";
import { ContextOverflowError, StreamCutError } from "../retry.ts";

/*
 * A failure, as it crosses from the model worker to the main thread. Structured clone keeps an
 * Error's message and stack and drops the rest, but withRetry and the user's one line read much
 * more: the SDK's statusCode, responseHeaders (retry-after), data (the provider's error body),
 * isRetryable, a network error's code down its cause chain, and which of tacit's own classes it is
 * (StreamCutError from the idle watchdog, UnexpectedResponseError, AbortedError). So every own
 * field that clones goes across, the cause chain with it, and the class is rebuilt by name.
 */

export type WireError =
  | {
      kind: "error";
      name: string;
      message: string;
      stack?: string;
      fields: Record<string, unknown>;
      cause?: WireError;
      lastError?: WireError;
    }
  /** Something thrown that is not an Error: a provider's error event arrives as a plain object. */
  | { kind: "value"; value: unknown };

/** The classes callers tell apart with instanceof, by the name their instances carry. */
const PROTOTYPES: Record<string, object> = {
  AbortedError: AbortedError.prototype,
  ConfigError: ConfigError.prototype,
  ContextOverflowError: ContextOverflowError.prototype,
  ProviderError: ProviderError.prototype,
  StreamCutError: StreamCutError.prototype,
  UnexpectedResponseError: UnexpectedResponseError.prototype,
  UserFacingError: UserFacingError.prototype,
  TypeError: TypeError.prototype,
};

/** Carried apart from the fields, or not at all: the request body an SDK error holds is the whole conversation. */
const NOT_FIELDS = new Set(["name", "message", "stack", "cause", "lastError", "requestBodyValues"]);
/** Causes followed: what retry.ts reads goes no deeper. */
const MAX_DEPTH = 5;

export function toWireError(thrown: unknown, depth = 0): WireError {
  if (!(thrown instanceof Error)) return { kind: "value", value: cloneable(thrown) ?? String(thrown) };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(thrown)) {
    if (NOT_FIELDS.has(key)) continue;
    const copy = cloneable(value);
    if (copy !== undefined) fields[key] = copy;
  }
  const record = thrown as Error & { lastError?: unknown };
  const deeper = depth < MAX_DEPTH;
  return {
    kind: "error",
    name: thrown.name,
    message: thrown.message,
    ...(thrown.stack ? { stack: thrown.stack } : {}),
    fields,
    ...(deeper && record.cause !== undefined ? { cause: toWireError(record.cause, depth + 1) } : {}),
    ...(deeper && record.lastError !== undefined
      ? { lastError: toWireError(record.lastError, depth + 1) }
      : {}),
  };
}

/** The error again, on this side: same class where it is one of tacit's, same fields, same causes. */
export function fromWireError(wire: WireError): unknown {
  if (wire.kind === "value") return wire.value;
  const error = Object.create(PROTOTYPES[wire.name] ?? Error.prototype) as Error & Record<string, unknown>;
  Object.assign(error, wire.fields);
  error.name = wire.name;
  error.message = wire.message;
  if (wire.stack) error.stack = wire.stack;
  if (wire.cause) error.cause = fromWireError(wire.cause);
  if (wire.lastError) error.lastError = fromWireError(wire.lastError);
  return error;
}

/** A copy that postMessage can carry, or undefined for what it cannot (functions, sockets). */
function cloneable(value: unknown): unknown {
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  try {
    return structuredClone(value);
  } catch {
    return undefined;
  }
}
