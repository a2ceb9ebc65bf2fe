import type { DatabaseSync } from "node:sqlite";
import type { Embedder } from "../core/embedder.ts";
import { errorMessage } from "../core/errors.ts";
import { EmbeddingHealth } from "./embedding-health.ts";
import type { SearchIndex } from "./search/search-index.ts";

export interface SemanticRecallOptions {
  /** How long recall waits for the query's vector before going lexical. */
  timeoutMs?: number;
  /** How long a failed query embedding keeps the model marked down, for every process (default 10 min). */
  downForMs?: number;
  now?: () => number;
}

/** What recall gets: a query vector, or why it goes without one. */
export type QueryVector = { vector: Float32Array } | { fallback: string };

const DEFAULT_TIMEOUT_MS = 3_000;
const DEFAULT_DOWN_FOR_MS = 10 * 60_000;

/**
 * Keeps embeddings off the critical path. Documents are embedded in the
 * background (one run at a time, started again when more arrive); a turn never
 * waits for that backlog: it uses the vectors that exist now, plus one attempt
 * at its own query's vector within timeoutMs. A failed query marks the model down
 * in the database for a while, so later turns and later processes go lexical at
 * once and start no background work. Failures never throw: they become one warning.
 */
export class SemanticRecall {
  private readonly index: SearchIndex;
  private readonly embedder: Embedder;
  private readonly health: EmbeddingHealth;
  private readonly timeoutMs: number;
  private readonly downForMs: number;
  private readonly now: () => number;
  private readonly closing = new AbortController();
  private backgroundStop: AbortController | undefined;
  private background: Promise<void> | undefined;
  private moreToEmbed = false;
  // A failed background run is not tried again in this process; the next process tries afresh.
  private backgroundFailed = false;
  private readonly warnings: string[] = [];
  private warned = false;

  constructor(
    index: SearchIndex,
    embedder: Embedder,
    database: DatabaseSync,
    options: SemanticRecallOptions = {},
  ) {
    this.index = index;
    this.embedder = embedder;
    this.health = new EmbeddingHealth(database);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.downForMs = options.downForMs ?? DEFAULT_DOWN_FOR_MS;
    this.now = options.now ?? Date.now;
  }

  /** Embeds documents that lack a vector, in the background; returns at once. */
  scheduleEmbedding(): void {
    if (this.backgroundFailed || this.closing.signal.aborted) return;
    if (this.standingMarker()) return;
    this.moreToEmbed = true;
    if (this.background) return;
    const stop = new AbortController();
    this.backgroundStop = stop;
    this.background = this.embedWhilePending(AbortSignal.any([this.closing.signal, stop.signal])).finally(
      () => {
        this.background = undefined;
        this.backgroundStop = undefined;
      },
    );
  }

  /** Resolves once no background embedding runs (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.background) await this.background;
  }

  /** The query's vector: one request, within the deadline, unless the model is marked down. */
  async queryVector(query: string, signal?: AbortSignal): Promise<QueryVector> {
    if (signal?.aborted) return { fallback: "lexical only: interrupted" };
    const marker = this.standingMarker();
    if (marker) {
      const minutes = Math.max(1, Math.ceil((marker.until - this.now()) / 60_000));
      return {
        fallback: `lexical only: ${marker.reason} (embeddings paused for ${minutes} more min)`,
      };
    }
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const vectors = await untilAborted(
        this.embedder.embed([query], { signal: stop, maxAttempts: 1 }),
        stop,
      );
      const vector = vectors[0];
      if (vector === undefined) return { fallback: "lexical only: the embedding model returned no vector" };
      this.tryHealth(() => this.health.clear(this.embedder.model));
      return { vector };
    } catch (error) {
      if (signal?.aborted) return { fallback: "lexical only: interrupted" };
      const reason = deadline.aborted
        ? `the embedding model did not answer within ${formatSeconds(this.timeoutMs)}`
        : errorMessage(error);
      this.queryFailed(reason);
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

  private async embedWhilePending(signal: AbortSignal): Promise<void> {
    try {
      while (this.moreToEmbed && !signal.aborted) {
        this.moreToEmbed = false;
        await this.index.embedPending({ signal });
      }
    } catch (error) {
      if (signal.aborted) return;
      this.backgroundFailed = true;
      this.warn(errorMessage(error));
    }
  }

  private queryFailed(reason: string): void {
    const now = this.now();
    const firstTime = this.tryHealth(() =>
      this.health.markDown(this.embedder.model, now + this.downForMs, reason, now),
    );
    // The backlog would only fail the same way, and slowly.
    this.backgroundStop?.abort();
    if (firstTime !== false) this.warn(reason);
  }

  private standingMarker(): { until: number; reason: string } | undefined {
    return this.tryHealth(() => this.health.down(this.embedder.model, this.now()));
  }

  /** The marker is an optimisation: a locked or closing database must not break recall. */
  private tryHealth<T>(action: () => T): T | undefined {
    try {
      return action();
    } catch {
      return undefined;
    }
  }

  private warn(reason: string): void {
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
