import type { Embedder } from "../../src/core/embedder.ts";
// FNV-1a, the same spread of words over dimensions as the fake server's embeddings.
import { hash } from "../../test/fake-server/wire-openai-embeddings.ts";

/**
 * A deliberately weak embedder: every word (stopwords too, no stemming) hashed
 * into few dimensions, so unrelated words collide and "the", "I" and "you" weigh
 * as much as the words that matter. It knows no synonyms. Recall must never do
 * worse with it than with no embedder at all; the recall bench and tests use it
 * to hold fusion to that. In-process, behind the same interface as a real model.
 */
export class HashedEmbedder implements Embedder {
  readonly model: string;
  private readonly dimensions: number;

  constructor(dimensions = 64) {
    this.dimensions = dimensions;
    this.model = `hashed-bag-of-words-${dimensions}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => this.vector(text));
  }

  vector(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
      vector[hash(word) % this.dimensions]! += 1;
    return vector;
  }
}
