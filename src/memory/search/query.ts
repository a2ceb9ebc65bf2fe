import { STOPWORDS } from "./stopwords.ts";

/** More terms than this add noise and time, not recall; a pasted stack trace should not become 500 ORs. */
const MAX_TERMS = 32;

/**
 * Splits a prompt into search terms the way FTS5's unicode61 tokenizer splits text
 * (letters and digits; everything else separates), lowercased, without stopwords,
 * duplicates or one-letter fragments. Digits are kept: "error 404", "node 24".
 */
export function queryTerms(text: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const word = match[0];
    if (seen.has(word) || STOPWORDS.has(word)) continue;
    if (word.length < 2 && !/\d/.test(word)) continue;
    seen.add(word);
    terms.push(word);
    if (terms.length >= MAX_TERMS) break;
  }
  return terms;
}

/**
 * Builds an FTS5 MATCH expression that ORs the terms. Every term is a quoted string
 * (quotes doubled), so nothing the user typed, AND/OR/NOT/NEAR, `*`, `"`, `:` or
 * parentheses, is read as FTS5 syntax. Returns null when nothing searchable is left.
 */
export function buildMatchExpression(terms: string[]): string | null {
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(" OR ");
}
