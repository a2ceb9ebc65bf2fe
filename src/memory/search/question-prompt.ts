/**
 * Words that open a question in English: question words and the auxiliaries a yes/no
 * question starts with ("can I throw an exception…", "did Melanie go…").
 */
const QUESTION_OPENERS: ReadonlySet<string> = new Set(
  `what when where who whom whose why how which did does do is are was were would could can
has have had will should shall may might`.split(/\s+/),
);

/**
 * Whether a prompt asks a question ("where do I store the refresh token", "When did
 * Caroline go to the support group?") rather than makes a request ("add a price field to
 * the product model"). Meaning reorders only questions (search-index.ts): a question is
 * worded unlike its answer ("children" for "kids"), which general-English word vectors
 * bridge, while a request names the things to change in the project's own vocabulary,
 * where those vectors mislead ("card" in "the card hover effect" pulls the memory about
 * a model card above the one about CSS). Measured on the coding set (BENCHMARKS.md).
 */
export function asksAQuestion(prompt: string): boolean {
  const text = prompt.trim();
  // "can you style the card hover effect" is a request put politely, with or without "?".
  if (POLITE_REQUEST.test(text)) return false;
  if (text.endsWith("?")) return true;
  const first = /[\p{L}']+/u.exec(text.toLowerCase())?.[0] ?? "";
  return QUESTION_OPENERS.has(first.replace(/'.*$/, ""));
}

/** "Can you…", "could you please…", "would you…", "will u…": asking for something to be done. */
const POLITE_REQUEST = /^(?:please\s+)?(?:can|could|would|will)\s+(?:you|u)\b/iu;
