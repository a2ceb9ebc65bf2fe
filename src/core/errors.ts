/** An error meant for the user: its message is one clear line, printed as is. */
export class UserFacingError extends Error {
  override name = "UserFacingError";
}

/** A configuration problem: bad settings file, unknown provider, missing key. */
export class ConfigError extends UserFacingError {
  override name = "ConfigError";
}

/** The model provider failed in a way retries could not fix. */
export class ProviderError extends UserFacingError {
  override name = "ProviderError";
  readonly status: number | undefined;
  readonly retryable: boolean;
  constructor(message: string, status?: number, retryable = false) {
    super(message);
    this.status = status;
    this.retryable = retryable;
  }
}

export class AbortedError extends Error {
  override name = "AbortedError";
  constructor() {
    super("Interrupted");
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isAbortError(error: unknown): boolean {
  return (
    error instanceof AbortedError ||
    (error instanceof Error && (error.name === "AbortError" || error.name === "AbortedError"))
  );
}
