import type { SearchIndex } from "./search-index.ts";
import { deviationsAbove, type SimilaritySpread } from "./similarity-spread.ts";
import type { SearchOptions, SearchResult } from "./types.ts";
import type { WordEvidence } from "./word-evidence.ts";

/**
 * What of a search's results is worth recalling unasked. Search itself always returns
 * the best it has; recall must send nothing rather than the best of bad matches ("run ls
 * please" should not bring back every memory that says "run").
 *
 * A result leads (makes the prompt worth answering) on either of two kinds of evidence,
 * both relative to the prompt's own maximum, so they mean the same for a short command
 * and a long question and survive changes to the ranking's scale:
 * - coverage (the ranking's): its BM25 over the prompt's carrying words (not a coding
 *   prompt's filler) over the most the two weightiest could score, a word no document
 *   holds counted in full, so "ls" in "run ls please" keeps a match on "run" at zero.
 *   Reached on one word alone, that word must single out a few documents
 *   (word-evidence.ts): "what time is it" matching the memory about time zones among the
 *   dozens that say "time" is not a match, "tmux" matching the one memory about tmux is;
 * - words: it holds two or more carrying words that together weigh most of the IDF of
 *   the prompt's weightiest words that some document holds. Words no document holds are
 *   left out there, so a conversational question worded unlike its answer still leads.
 * - both bars nearly: two or more words that come close to both bars at once, their
 *   coverage and share each as a fraction of its own bar averaging at least
 *   MIN_JOINT_EVIDENCE: "the axe check failed on the icon button" (coverage 0.49, share
 *   0.67) is as clear as a match on either bar alone, which a bar at a time missed.
 * - identifier: it holds a word the prompt wrote as an identifier (identifier-words.ts:
 *   "n1499", "orm_mode", "isPalindrome") that at most MAX_IDENTIFIER_HOLDERS documents
 *   hold, whatever the coverage: a name in a pasted error sits among words no memory holds.
 * - long prompt: from LONG_PROMPT_WORDS carrying words on, one word held by at most
 *   MAX_HOLDERS documents leads without the coverage, which a pasted error's words no
 *   memory holds dilute ("tmux" in a long question about splitting a pane).
 * - meaning: a one-word match with at least NEARNESS_COVERAGE, on a word only this
 *   memory holds, leads when the rest of the prompt is near the memory in meaning
 *   (meaning-nearness.ts, at least MIN_NEARNESS): "what's the tmux shortcut to split a
 *   pane" (shortcut, split, pane ~ the tmux memory's keys and windows) leads, "list the
 *   files in this folder" (one memory holds "folder", nothing there is near "list") does
 *   not. The word rules alone cannot tell these apart: their word evidence is the same.
 * Once one result leads, others down to FOLLOWER_COVERAGE may come with it (a second
 * relevant memory or turn rarely matches as well as the first).
 *
 * Found by meaning alone, a result is judged on the embedder's own scale, since a hashed
 * bag of words puts unrelated prompts above 0.6 and a sentence encoder below 0.3: it
 * leads only when its similarity stands MIN_SIMILARITY_DEVIATIONS standard deviations
 * above the query's mean similarity over the other documents it could recall
 * (similarity-spread.ts), and follows a lexical lead when at least as similar as the
 * most similar result the words confirm.
 *
 * Thresholds chosen on half A of the coding prompt set (scripts/recall/coding-set/)
 * and LoCoMo conversations 0-4; BENCHMARKS.md has the sweep and the held-out halves.
 */
export const MIN_COVERAGE = 0.5;
/** A lead on one word's coverage needs that word held by at most this many documents. */
export const MAX_HOLDERS = 3;
export const MIN_WORD_SHARE = 0.7;
/**
 * How far two or more words must reach both bars at once, as the mean of coverage over
 * MIN_COVERAGE and share over MIN_WORD_SHARE (1 or more adds nothing: one bar is then met).
 * Chosen on half A midway between the highest a result reaches there in a prompt with no
 * relevant memory that recall leaves silent (0.90: "write a regex for hex colours") and
 * the highest a relevant memory reaches (0.97: "the axe check failed on the icon button").
 */
export const MIN_JOINT_EVIDENCE = 0.935;
/**
 * From this many carrying words on, a prompt is long (a pasted error, a paragraph): one
 * word that at most MAX_HOLDERS documents hold leads without the coverage, which the
 * words no document holds dilute.
 */
export const LONG_PROMPT_WORDS = 8;
/** An identifier word (identifier-words.ts) held by at most this many documents leads on its own. */
export const MAX_IDENTIFIER_HOLDERS = 3;
/**
 * Once one result leads, the others follow it down to this coverage. A past turn (scope
 * "session") is part of a conversation whose evidence is spread over turns that each share a
 * word or two with the question (LoCoMo's gated recall@10 0.642 at 0.1, 0.565 at 0.3); a memory
 * file states one thing, and one sharing a single word of a five-word request is noise: on the
 * coding set (half A chose it) 0.3 for memories recalls 3.9 items per answered prompt instead
 * of 4.9, one fewer of them irrelevant, with no hit lost (BENCHMARKS.md).
 */
const FOLLOWER_COVERAGE = 0.1;
const MEMORY_FOLLOWER_COVERAGE = 0.3;
/** How near in meaning (meaning-nearness.ts) the rest of a one-word match's prompt must be for it to lead. */
export const MIN_NEARNESS = 0.6;
/** The coverage a one-word match needs before meaning is asked. */
export const NEARNESS_COVERAGE = 0.3;
/** How far above the query's mean similarity, in standard deviations, meaning alone must stand to lead. */
export const MIN_SIMILARITY_DEVIATIONS = 8;
const MIN_WORDS = 2;

export interface RelevanceOptions {
  coverage?: number;
  followerCoverage?: number;
  /** The share of the weightiest held words' IDF that at least MIN_WORDS words must carry; above 1 turns the word path off. */
  wordShare?: number;
  /** How far two or more words must reach both bars at once (MIN_JOINT_EVIDENCE); 1 or more turns the rule off. */
  jointEvidence?: number;
  /** How many documents at most may hold a word that leads on its coverage alone. */
  holders?: number;
  /** From how many carrying words a prompt is long; Infinity turns the long-prompt rule off. */
  longPrompt?: number;
  /** How many documents at most may hold an identifier word that leads on its own; 0 turns the rule off. */
  identifierHolders?: number;
  deviations?: number;
  /** How near in meaning the rest of a one-word match's prompt must be; above 1 turns the rule off. */
  nearness?: number;
  /**
   * The results' word evidence (SearchIndex.wordEvidence), asked only when there are
   * results (it costs a count and a lookup per carrying word). Without it, coverage alone
   * decides.
   */
  evidence?: () => ReadonlyMap<string, WordEvidence>;
  /** The query's similarity spread (SearchIndex.similaritySpread), asked only for a result found by meaning alone. */
  spread?: () => SimilaritySpread | undefined;
}

type Scored = Pick<SearchResult, "id" | "coverage" | "similarity"> & { scope?: SearchResult["scope"] };

/** The results worth recalling, in their order: none at all when none leads. */
export function relevantResults<T extends Scored>(results: T[], options: RelevanceOptions = {}): T[] {
  const lead = options.coverage ?? MIN_COVERAGE;
  const followerFloor = (result: Scored) =>
    Math.min(
      lead,
      options.followerCoverage ??
        (result.scope === undefined || result.scope === "session"
          ? FOLLOWER_COVERAGE
          : MEMORY_FOLLOWER_COVERAGE),
    );
  const wordShare = options.wordShare ?? MIN_WORD_SHARE;
  const jointEvidence = options.jointEvidence ?? MIN_JOINT_EVIDENCE;
  const holders = options.holders ?? MAX_HOLDERS;
  const identifierHolders = options.identifierHolders ?? MAX_IDENTIFIER_HOLDERS;
  const longPrompt = options.longPrompt ?? LONG_PROMPT_WORDS;
  const nearness = options.nearness ?? MIN_NEARNESS;
  const words = results.length > 0 ? options.evidence?.() : undefined;
  const byCoverage = (result: Scored, floor: number) =>
    result.coverage !== undefined && result.coverage >= floor;
  const byMeaningAlone = (result: Scored) => result.coverage === undefined && result.similarity !== undefined;
  const leadsOnWords = (result: Scored) => {
    const found = words?.get(result.id);
    if (words === undefined || found === undefined) return byCoverage(result, lead);
    const several = found.words >= MIN_WORDS;
    return (
      found.fewestIdentifierHolders <= identifierHolders ||
      (found.promptWords >= longPrompt && found.fewestHolders <= holders) ||
      (byCoverage(result, lead) && (several || found.fewestHolders <= holders)) ||
      (several && found.share >= wordShare) ||
      (several && ((result.coverage ?? 0) / lead + found.share / wordShare) / 2 >= jointEvidence) ||
      // Asked last: the one rule that reads the memory's text.
      (found.words === 1 &&
        found.fewestHolders <= 1 &&
        byCoverage(result, NEARNESS_COVERAGE) &&
        nearness <= 1 &&
        (found.nearness?.() ?? Number.NEGATIVE_INFINITY) >= nearness)
    );
  };
  // The spread costs a pass over every vector: read it only when no words lead.
  const wordsLead = results.some((result) => !byMeaningAlone(result) && leadsOnWords(result));
  const spread = wordsLead ? undefined : options.spread?.();
  const deviations = options.deviations ?? MIN_SIMILARITY_DEVIATIONS;
  const standsOut = (result: Scored) => {
    const above = spread === undefined ? undefined : deviationsAbove(spread, result.similarity!);
    return above !== undefined && above >= deviations;
  };
  const meaningLeads = (result: Scored) => byMeaningAlone(result) && !wordsLead && standsOut(result);
  if (!wordsLead && !results.some(meaningLeads)) return [];
  const confirmed = (result: Scored) =>
    byMeaningAlone(result)
      ? meaningLeads(result)
      : byCoverage(result, followerFloor(result)) || leadsOnWords(result);
  const similarities = results.filter(confirmed).flatMap((result) => result.similarity ?? []);
  const similarityFloor = similarities.length > 0 ? Math.max(...similarities) : Number.POSITIVE_INFINITY;
  return results.filter(
    (result) => confirmed(result) || (byMeaningAlone(result) && result.similarity! >= similarityFloor),
  );
}

/** relevantResults for a search just made on this index, reading the evidence from it only as needed. */
export function recallableResults<T extends Scored>(
  index: Pick<SearchIndex, "wordEvidence" | "similaritySpread">,
  prompt: string,
  results: T[],
  query: { vector?: Float32Array | undefined; searchOptions?: SearchOptions } = {},
): T[] {
  const { vector, searchOptions } = query;
  return relevantResults(results, {
    evidence: () =>
      index.wordEvidence(
        prompt,
        results.map((result) => result.id),
      ),
    spread: () => (vector === undefined ? undefined : index.similaritySpread(vector, searchOptions)),
  });
}
