import type { NeighbourTable } from "./word-neighbours.ts";

/** How far a prompt's words reach to their neighbours in meaning (rerank.ts RankingWeights). */
export interface ExpansionSettings {
  /** An associated stem scores this × its similarity × its BM25: always a fraction of a word the prompt said. */
  expansionWeight: number;
  /** At most this many neighbours per prompt word, nearest first. */
  expansionNeighbours: number;
  /** Neighbours less similar than this are left out. */
  expansionFloor: number;
}

/** One stem the prompt did not say but means, with what it may weigh. */
export interface Expansion {
  stem: string;
  /** expansionWeight × similarity, the largest over the prompt words that reach it. */
  weight: number;
  /** The IDF of the prompt word it came from: the neighbour never counts for more than that word. */
  sourceIdf: number;
}

/**
 * The neighbours of the prompt's carrying stems that the prompt does not already hold.
 * Filler words ("run", "fix") reach nothing: their neighbours would be more filler.
 * A stem reached from two prompt words keeps its best weight and the larger source IDF.
 */
export function expansionsFor(
  own: ReadonlyArray<{ stem: string; idf: number; carries: boolean }>,
  table: NeighbourTable,
  settings: ExpansionSettings,
): Expansion[] {
  if (settings.expansionWeight <= 0 || settings.expansionNeighbours <= 0 || !table.holdsAny) return [];
  const held = new Set(own.map((stem) => stem.stem));
  const byStem = new Map<string, Expansion>();
  for (const source of own) {
    if (!source.carries) continue;
    const neighbours = (table.get(source.stem) ?? [])
      .filter((neighbour) => neighbour.similarity >= settings.expansionFloor && !held.has(neighbour.stem))
      .slice(0, settings.expansionNeighbours);
    for (const neighbour of neighbours) {
      const weight = settings.expansionWeight * neighbour.similarity;
      const existing = byStem.get(neighbour.stem);
      if (existing === undefined) {
        byStem.set(neighbour.stem, { stem: neighbour.stem, weight, sourceIdf: source.idf });
        continue;
      }
      existing.weight = Math.max(existing.weight, weight);
      existing.sourceIdf = Math.max(existing.sourceIdf, source.idf);
    }
  }
  return [...byStem.values()].sort((left, right) => right.weight - left.weight);
}
