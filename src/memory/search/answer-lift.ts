import type { DatabaseSync } from "node:sqlite";
import { filterClause } from "./document-rules.ts";
import { type Candidate, type DocumentRow, toCandidate } from "./rerank.ts";
import { StatementCache } from "./statement-cache.ts";
import { transcriptRoleOf } from "./transcript-title.ts";
import type { SearchOptions } from "./types.ts";

/** Only the best candidates' questions are followed: further down, a question is rarely the one asked. */
const QUESTIONS_FOLLOWED = 30;

interface AnswerRow extends DocumentRow {
  question: number;
  question_body: string;
  question_title: string;
}

/**
 * Whether a passage asks something: a sentence of its prose ends in "?" (code spans and blocks
 * left out, so `port ?? 0`, `a?.b` and a URL's query do not count). A passage tacit titled as the
 * assistant's ("assistant in session …") does not lend: what follows the assistant's question is
 * the user's next instruction, not an answer to look up.
 */
function asksInProse(row: AnswerRow): boolean {
  if (transcriptRoleOf(row.question_title) === "assistant") return false;
  const prose = row.question_body.replace(/```[\s\S]*?```/g, " ").replace(/`[^`\n]*`/g, " ");
  return /\?(?=\s|$)/.test(prose);
}

/**
 * In a conversation, the passage that matches a prompt's words is often the question
 * ("What's your favourite style of dance?") and what the prompt wants is the reply that
 * follows it ("Contemporary dance is so expressive"), which shares few of its words. So
 * a candidate passage that asks something lends `weight` × its relevance to the next
 * passage of its session (by rowid: a session's passages are indexed in the order they
 * were said), bringing that reply in as a candidate when the words alone did not find it.
 * The reply carries no coverage of its own: recall's silence gate still judges it by words.
 * Only a question prompt follows questions (result-order.ts): a request looks for a rule or a
 * fact, not for what someone answered.
 */
export class AnswerLift {
  private readonly statements: StatementCache;

  constructor(db: DatabaseSync) {
    this.statements = new StatementCache(db);
  }

  /** `candidates` with replies lifted (and added), in no particular order. */
  lift(candidates: Candidate[], weight: number, options: SearchOptions): Candidate[] {
    if (weight <= 0 || candidates.length === 0) return candidates;
    const followed = [...candidates]
      .filter((candidate) => candidate.sessionId !== null)
      .sort((left, right) => right.relevance - left.relevance)
      .slice(0, QUESTIONS_FOLLOWED);
    if (followed.length === 0) return candidates;
    const { clause, parameters } = filterClause(options);
    const rows = this.statements
      .get(
        `SELECT q.rowid AS question, q.body AS question_body, q.title AS question_title,
         d.rowid AS rowid, d.id AS id, d.kind AS kind, d.scope AS scope,
         d.project_key AS project_key, d.session_id AS session_id, d.title AS title, d.updated_at AS updated_at
       FROM search_documents q
       JOIN search_documents d ON d.rowid = (SELECT n.rowid FROM search_documents n
         WHERE n.session_id = q.session_id AND n.rowid > q.rowid ORDER BY n.rowid LIMIT 1)
       WHERE q.rowid IN (SELECT value FROM json_each(?)) AND instr(q.body, '?') > 0${clause}`,
      )
      .all(
        JSON.stringify(followed.map((candidate) => candidate.rowid)),
        ...parameters,
      ) as unknown as AnswerRow[];
    if (rows.length === 0) return candidates;
    const byRowid = new Map(candidates.map((candidate) => [candidate.rowid, { ...candidate }]));
    const relevanceOf = new Map(followed.map((candidate) => [candidate.rowid, candidate.relevance]));
    for (const row of rows) {
      if (!asksInProse(row)) continue;
      const lent = weight * (relevanceOf.get(row.question) ?? 0);
      const existing = byRowid.get(row.rowid);
      if (existing !== undefined) {
        existing.relevance += lent;
        existing.lent = (existing.lent ?? 0) + lent;
        continue;
      }
      byRowid.set(row.rowid, { ...toCandidate(row, lent), lent });
    }
    return [...byRowid.values()];
  }
}
