import type { DatabaseSync } from "node:sqlite";
import { AnswerLift } from "./answer-lift.ts";
import { MeaningRerank } from "./meaning-rerank.ts";
import { liftNamed, namesIn } from "./named-titles.ts";
import { asksAQuestion } from "./question-prompt.ts";
import { type Candidate, type RankedResult, type RankingWeights, rerank } from "./rerank.ts";
import type { SearchOptions } from "./types.ts";

/**
 * The final order of a search's candidates, lexical or fused: replies to matching questions
 * lifted (answer-lift.ts), reranked (recency, scope, session; rerank.ts), then, for a
 * question, reordered by meaning (meaning-rerank.ts) and by the names it mentions
 * (named-titles.ts).
 */
export class ResultOrder {
  private readonly weights: RankingWeights;
  private readonly meaning: MeaningRerank;
  private readonly answers: AnswerLift;

  constructor(db: DatabaseSync, weights: RankingWeights) {
    this.weights = weights;
    this.meaning = new MeaningRerank(db);
    this.answers = new AnswerLift(db);
  }

  /** The best `limit` of `candidates` for `query` (whose search terms are `terms`). */
  order(
    query: string,
    terms: string[],
    candidates: Candidate[],
    limit: number,
    options: SearchOptions,
  ): RankedResult[] {
    const question = asksAQuestion(query);
    const weight = question ? this.weights.meaningWeight : 0;
    // Names, like meaning, speak for questions: in a request ("add a German version of the
    // welcome email template") a capitalised word is often a language or a tool, and lifting
    // the memory titled "German keyboard" lost a hit on the coding set (BENCHMARKS.md).
    const names = question ? namesIn(query) : new Set<string>();
    const pool = weight > 0 || names.size > 0 ? Math.max(limit, this.weights.meaningPool) : limit;
    const lifted = this.answers.lift(candidates, question ? this.weights.answerWeight : 0, options);
    const ranked = rerank(lifted, this.weights, options.now ?? Date.now(), pool);
    const reordered = this.meaning.reorder(terms, ranked, weight, pool);
    return liftNamed(reordered, names, this.weights.namedTitleWeight).slice(0, limit);
  }
}
