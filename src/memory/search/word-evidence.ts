import type { DatabaseSync } from "node:sqlite";
import { FtsPostings, luceneIdf } from "./fts-postings.ts";
import { identifierWords } from "./identifier-words.ts";
import { meaningNearness } from "./meaning-nearness.ts";
import { MEANING_TEXT_SQL } from "./meaning-rerank.ts";
import { fileNameWords, weakWords } from "./pasted-words.ts";
import { queryTerms } from "./query.ts";
import { StatementCache } from "./statement-cache.ts";
import { FILLER_WORDS } from "./stopwords.ts";

/** How a result's words answer the prompt's, measured apart from the ranking (see relevance.ts). */
export interface WordEvidence {
  /** Carrying words of the prompt the document holds, a file name's words ("package.json") counted once. */
  words: number;
  /**
   * The IDF those words carry over the IDF of the prompt's weightiest carrying words that
   * some document holds (at most 1): words no document holds are left out, so a question
   * worded unlike the conversation it asks about ("accident" for "crashed") is not
   * counted short for them.
   */
  share: number;
  /**
   * How many documents hold the rarest of those words: 1 for a tool only this memory
   * names, dozens for "build" (Infinity when it holds none).
   */
  fewestHolders: number;
  /**
   * How many documents hold the rarest identifier word it holds (identifier-words.ts:
   * "n1499", "orm_mode", "isPalindrome"); Infinity when it holds none.
   */
  fewestIdentifierHolders: number;
  /** How many carrying words the prompt has, held or not (the same for every result). */
  promptWords: number;
  /**
   * How near in meaning the prompt's carrying words this document does not hold are to
   * its name, description and body's start (meaning-nearness.ts), computed when asked;
   * undefined when the word vectors know none of them.
   */
  nearness?: () => number | undefined;
}

/** How many of the prompt's weightiest held words the share is measured against. */
const WEIGHTIEST = 3;

/**
 * Per-result word evidence from FTS5's own index: each carrying word's document
 * frequency over the whole index (Lucene's IDF, so it is relative to this index's size),
 * and which of the given documents hold it. Porter stems as the index does, since the
 * words are matched through FTS5 itself. Costs one count and one lookup per word.
 */
export class WordEvidenceReader {
  private readonly statements: StatementCache;
  private readonly postings: FtsPostings;

  constructor(db: DatabaseSync) {
    this.statements = new StatementCache(db);
    this.postings = new FtsPostings(db);
  }

  read(query: string, ids: string[]): Map<string, WordEvidence> {
    // Filler and a pasted error's locations (pasted-words.ts) make no match, as in the ranking.
    const weak = weakWords(query);
    const words = queryTerms(query).filter((word) => !FILLER_WORDS.has(word) && !weak.has(word));
    const evidence = new Map<string, WordEvidence>(
      ids.map((id) => [
        id,
        {
          words: 0,
          share: 0,
          fewestHolders: Number.POSITIVE_INFINITY,
          fewestIdentifierHolders: Number.POSITIVE_INFINITY,
          promptWords: words.length,
        },
      ]),
    );
    const documents = this.postings.totals().documents;
    if (documents === 0 || words.length === 0 || ids.length === 0) return evidence;
    const rows = this.statements
      .get("SELECT rowid, id FROM search_documents WHERE id IN (SELECT value FROM json_each(?))")
      .all(JSON.stringify(ids)) as Array<{ rowid: number; id: string }>;
    const idByRowid = new Map(rows.map((row) => [row.rowid, row.id]));
    const count = this.statements.get("SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?");
    const holders = this.statements.get(
      "SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
    );
    const rowids = JSON.stringify([...idByRowid.keys()]);
    const identifiers = identifierWords(query);
    const held: Array<{
      word: string;
      idf: number;
      frequency: number;
      holders: string[];
      identifier: boolean;
    }> = [];
    for (const word of words) {
      const phrase = `"${word.replaceAll('"', '""')}"`;
      const frequency = (count.get(phrase) as { n: number }).n;
      if (frequency === 0) continue;
      const idf = luceneIdf(documents, frequency);
      const found = (holders.all(phrase, rowids) as Array<{ rowid: number }>).flatMap(
        (row) => idByRowid.get(row.rowid) ?? [],
      );
      held.push({ word, idf, frequency, holders: found, identifier: identifiers.has(word) });
    }
    const most = held
      .map((word) => word.idf)
      .sort((left, right) => right - left)
      .slice(0, WEIGHTIEST)
      .reduce((sum, idf) => sum + idf, 0);
    if (most <= 0) return evidence;
    // A file name's words are one thing the prompt named (pasted-words.ts fileNameWords).
    const names = fileNameWords(query);
    const counted = new Map<string, Set<string>>();
    for (const word of held) {
      for (const id of word.holders) {
        const entry = evidence.get(id)!;
        const name = names.get(word.word) ?? word.word;
        const seen = counted.get(id) ?? new Set<string>();
        if (!seen.has(name)) entry.words += 1;
        counted.set(id, seen.add(name));
        entry.share = Math.min(1, entry.share + word.idf / most);
        entry.fewestHolders = Math.min(entry.fewestHolders, word.frequency);
        if (word.identifier)
          entry.fewestIdentifierHolders = Math.min(entry.fewestIdentifierHolders, word.frequency);
      }
    }
    // A name is as rare as the documents holding it whole: "package-lock.json" may be in one
    // memory while "package", "lock" and "json" are each in many.
    for (const name of new Set(names.values())) {
      const nameWords = queryTerms(name);
      if (!nameWords.every((word) => words.includes(word))) continue;
      const phrase = `"${nameWords.join(" ").replaceAll('"', '""')}"`;
      const frequency = (count.get(phrase) as { n: number }).n;
      if (frequency === 0) continue;
      for (const row of holders.all(phrase, rowids) as Array<{ rowid: number }>) {
        const entry = evidence.get(idByRowid.get(row.rowid) ?? "");
        if (entry) entry.fewestHolders = Math.min(entry.fewestHolders, frequency);
      }
    }
    for (const [id, entry] of evidence) {
      const heldHere = new Set(held.filter((word) => word.holders.includes(id)).map((word) => word.word));
      const rest = words.filter((word) => !heldHere.has(word));
      entry.nearness = () => meaningNearness(rest, this.text(id));
    }
    return evidence;
  }

  /** What meaning-nearness.ts reads of a document: its title (name and description) and body's start. */
  private text(id: string): string {
    const row = this.statements
      .get(`SELECT ${MEANING_TEXT_SQL} AS text FROM search_documents WHERE id = ?`)
      .get(id) as { text: string } | undefined;
    return row?.text ?? "";
  }
}
