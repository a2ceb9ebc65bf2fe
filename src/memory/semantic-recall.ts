import type { Embedder } from "../core/embedder.ts";
import { errorMessage } from "../core/errors.ts";
import type { SearchIndex } from "./search/search-index.ts";

export interface SemanticRecallOptions {
  /** How long recall waits for the query's vector (and documents being embedded) before going lexical. */
  timeoutMs?: number;
}

/** What recall gets: a query vector, or why it goes without one. */
export type QueryVector = { vector: Float32Array } | { fallback: string };

const DEFAULT_TIMEOUT_MS = 3_000;
// Two failures in a row (not one blip) turn embeddings off for the rest of the run,
// so a dead endpoint costs at most two slow turns.
const FAILURES_BEFORE_OFF = 2;

/**
 * Keeps embeddings off the critical path. Documents are embedded in the
 * background (one run at a time, started again when more arrive); a turn only
 * waits for its own query's vector, and at most timeoutMs, after which recall is
 * lexical and says so. Failures never throw: they become one warning for the user.
 */
export class SemanticRecall {
  private readonly index: SearchIndex;
  private readonly embedder: Embedder;
  private readonly timeoutMs: number;
  private readonly closing = new AbortController();
  private background: Promise<void> | undefined;
  private moreToEmbed = false;
  private consecutiveFailures = 0;
  private off = false;
  private readonly warnings: string[] = [];
  private warned = false;

  constructor(index: SearchIndex, embedder: Embedder, options: SemanticRecallOptions = {}) {
    this.index = index;
    this.embedder = embedder;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Embeds documents that lack a vector, in the background; returns at once. */
  scheduleEmbedding(): void {
    if (this.off || this.closing.signal.aborted) return;
    this.moreToEmbed = true;
    if (this.background) return;
    this.background = this.embedWhilePending().finally(() => {
      this.background = undefined;
    });
  }

  /** Resolves once no background embedding runs (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.background) await this.background;
  }

  /**
   * The query's vector, within the deadline. Documents being embedded in the
   * background are waited for within the same deadline, so a memory written just
   * before this turn can already be found by meaning.
   */
  async queryVector(query: string, signal?: AbortSignal): Promise<QueryVector> {
    if (this.off) return { fallback: "lexical only: embeddings are off after repeated failures" };
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const [vectors] = await Promise.all([
        untilAborted(this.embedder.embed([query], { signal: stop }), stop),
        this.background ? Promise.race([this.background, abortedSignal(stop)]) : undefined,
      ]);
      const vector = vectors[0];
      if (vector === undefined) return { fallback: "lexical only: the embedding model returned no vector" };
      this.consecutiveFailures = 0;
      return { vector };
    } catch (error) {
      if (signal?.aborted) return { fallback: "lexical only: interrupted" };
      const reason = deadline.aborted
        ? `the embedding model did not answer within ${formatSeconds(this.timeoutMs)}`
        : errorMessage(error);
      this.failed(reason);
      return { fallback: `lexical only: ${reason}` };
    }
  }

  /** Warnings not yet shown to the user; each is handed out once. */
  takeWarnings(): string[] {
    return this.warnings.splice(0, this.warnings.length);
  }

  /** Stops background work: the database is about to close. */
  close(): void {
    this.closing.abort();
  }

  private async embedWhilePending(): Promise<void> {
    try {
      while (this.moreToEmbed && !this.closing.signal.aborted) {
        this.moreToEmbed = false;
        await this.index.embedPending({ signal: this.closing.signal });
      }
    } catch (error) {
      if (this.closing.signal.aborted) return;
      this.failed(errorMessage(error));
    }
  }

  private failed(reason: string): void {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= FAILURES_BEFORE_OFF) this.off = true;
    if (this.warned) return;
    this.warned = true;
    this.warnings.push(
      `memory embeddings (${this.embedder.model}) failed: ${reason}; recall falls back to lexical search`,
    );
  }
}

/** Rejects when the signal fires, even if the promise never settles (an embedder that ignores signals). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    promise,
    abortedSignal(signal).then(() => {
      throw signal.reason ?? new Error("aborted");
    }),
  ]);
}

function abortedSignal(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${milliseconds} ms`;
}
