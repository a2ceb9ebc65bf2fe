/**
 * A name written as one camelCase word ("ActiveStorage", "AccountStore") is often the same
 * thing a memory wrote as words ("Active Storage", "the account store"): FTS5's tokenizer
 * reads the first as one token no memory holds and the second as two, so a pasted error
 * naming the class matched nothing of the memory about it. Spelled out here, it is searched
 * and judged as the words it is made of, but only where that reading is found: the whole
 * word held by no document and its parts held, in that order and side by side, by one or
 * more. A name the index holds whole ("PrometheusRule", "isPalindrome") stays one word, and
 * so does one whose parts no document says together ("TypeError" beside no "type error"):
 * splitting those adds everyday words ("type", "list") the prompt never said as such.
 * Only a word standing alone is spelled out: in "src/ProductList.tsx", "torch.OutOfMemoryError"
 * or "ActiveStorage::Blob" it is part of a path, a file or a qualified name, whose words
 * pasted-words.ts and identifier-words.ts judge by those joins.
 */
export function spellOutJoinedWords(text: string, index: { holds(phrase: string): boolean }): string {
  const decided = new Map<string, string>();
  return text.replace(WORD, (word: string, offset: number) => {
    const parts = word.split(PART_BOUNDARY);
    if (parts.length < 2) return word;
    const before = text.slice(Math.max(0, offset - 2), offset);
    const after = text.slice(offset + word.length, offset + word.length + 2);
    if (JOINED_BEFORE.test(before) || JOINED_AFTER.test(after)) return word;
    let spelled = decided.get(word);
    if (spelled === undefined) {
      spelled = !index.holds(word) && index.holds(parts.join(" ")) ? parts.join(" ") : word;
      decided.set(word, spelled);
    }
    return spelled;
  });
}

/** A word as FTS5's unicode61 tokenizer reads one: letters and digits. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** What joins a word to a path, a file name, a qualified name or a flag just before it, or just after it. */
const JOINED_BEFORE = /(?:[._/\\@#$-]|::)$/u;
const JOINED_AFTER = /^(?:[_/\\@#$-]|::|\.[\p{L}\p{N}])/u;
/** Before an upper-case letter that follows a lower-case one or a digit, or that starts a word after an acronym ("HTTPServer"). */
const PART_BOUNDARY = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;
