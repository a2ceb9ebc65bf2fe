import { redactSecrets } from "../memory/redaction.ts";

/**
 * From now on, everything this process writes to stdout and stderr passes through the redaction
 * first. A background reflection's output is the reflection log (detached-reflection.ts), a file
 * kept for good: a provider's error body can quote a key or a password back, and so could any
 * warning or the final error line main.ts prints, so the streams themselves are redacted rather
 * than each line that is known today.
 */
export function redactProcessOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(redactedChunk(chunk), ...rest)) as typeof stream.write;
  }
}

function redactedChunk(chunk: unknown): unknown {
  if (typeof chunk === "string") return redactSecrets(chunk).text;
  if (chunk instanceof Uint8Array) return redactSecrets(Buffer.from(chunk).toString("utf8")).text;
  return chunk;
}
