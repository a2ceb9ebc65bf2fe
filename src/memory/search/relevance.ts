import type { SearchResult } from "./types.ts";

/**
 * What of a search's results is worth recalling unasked. Search itself always returns
 * the best it has; recall must send nothing rather than the best of bad matches ("run ls
 * please" should not bring back every memory that says "run").
 *
 * The measure is coverage (lexical-ranking.ts): the document's BM25 over the query's
 * carrying words (not a coding prompt's filler) divided by the most the two weightiest
 * of them could score. It is relative to the query's own maximum, so it means about the
 * same for a short prompt and a long question; a word no memory holds weighs as much as
 * the rarest one held, so "ls" in "run ls please" keeps a match on "run" alone at zero.
 *
 * Two levels: the best result must reach MIN_COVERAGE or nothing is recalled; once the
 * query has one good match, others down to FOLLOWER_COVERAGE may come with it (a
 * conversation's second relevant turn rarely matches as well as the first).
 * Chosen on the coding prompt set (scripts/recall/) and LoCoMo conversations 0-4.
 */
export const MIN_COVERAGE = 0.4;
const FOLLOWER_COVERAGE = 0.1;

/**
 * Found by meaning alone (no carrying word in common) needs a similarity this high:
 * embedders put most unrelated texts well above zero.
 */
const MIN_SIMILARITY_ALONE = 0.6;

export interface RelevanceThresholds {
  coverage?: number;
  followerCoverage?: number;
  similarity?: number;
}

type Scored = Pick<SearchResult, "coverage" | "similarity">;

/** The results worth recalling, in their order: none at all when the best is a poor match. */
export function relevantResults<T extends Scored>(results: T[], thresholds: RelevanceThresholds = {}): T[] {
  const lead = thresholds.coverage ?? MIN_COVERAGE;
  const follower = Math.min(lead, thresholds.followerCoverage ?? FOLLOWER_COVERAGE);
  const similarity = thresholds.similarity ?? MIN_SIMILARITY_ALONE;
  const passes = (result: Scored, floor: number) =>
    (result.coverage !== undefined && result.coverage >= floor) ||
    (result.similarity !== undefined && result.similarity >= similarity);
  if (!results.some((result) => passes(result, lead))) return [];
  return results.filter((result) => passes(result, follower));
}
