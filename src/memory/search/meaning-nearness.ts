import { queryRows, WordAlignment } from "./meaning-rerank.ts";
import { wordVectors } from "./word-vectors.ts";

/**
 * How near in meaning some prompt words are to a document's text, with no model: each
 * word known to the word vectors (word-vectors.ts) is matched to the document word
 * nearest it, and those best cosines are averaged, rare words weighing more (the meaning
 * rerank's alignment, meaning-rerank.ts). Recall's gate (relevance.ts) asks it about the
 * words a memory does not hold: in "what's the tmux shortcut to split a pane", the memory
 * about tmux holds "tmux", and "shortcut", "split" and "pane" sit near its words about
 * prefix keys and windows; in "list the files in this folder", the memory that holds
 * "folder" says nothing near "list". Undefined when the vectors know none of the words
 * (or are absent), so the gate then decides on words alone.
 */
export function meaningNearness(words: string[], text: string): number | undefined {
  const vectors = wordVectors();
  if (vectors === null) return undefined;
  const rows = queryRows(vectors, words);
  if (rows.length === 0) return undefined;
  return new WordAlignment(vectors, rows).score(text);
}
