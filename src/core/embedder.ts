/**
 * The seam for semantic search, here in core so that providers/ (which builds
 * embedders from settings) and memory/ (which uses them) share one contract
 * without memory's types leaking down a layer.
 */
export interface EmbedOptions {
  /** Stops the request: recall gives a query embedding only a short time. */
  signal?: AbortSignal;
  /**
   * At most this many requests per batch (default: the retry settings). Recall's
   * query asks for one: a retry cannot fit in its short deadline.
   */
  maxAttempts?: number;
}

export interface Embedder {
  /** Names the model, so vectors from another model are recomputed, never compared. */
  readonly model: string;
  /** One vector per text, in order; every vector of one model has the same length. */
  embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]>;
}
