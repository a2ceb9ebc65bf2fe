import { queryTerms } from "./query.ts";

/**
 * The prompt's words that come from an identifier as the user wrote it: a word with a
 * digit ("n1499", "fp16", "E0308"), or one joined to another by `_ . / - ::` inside a
 * token ("orm_mode", "vips.so.42", "src/main.rs", "--dry-run", "Pundit::Authorization")
 * or written in camelCase ("isPalindrome", "ArticlesController"). Judged on the raw text,
 * since tokenising splits "package.json" into two everyday words. Such a word names a
 * thing (a file, a flag, an error code, a package) rather than saying something about
 * it, so one held by a single memory or two is evidence on its own (relevance.ts).
 */
export function identifierWords(text: string): Set<string> {
  const words = new Set<string>();
  // A path is several names, each judged on its own: "node_modules/chalk/index.js" names
  // the folder node_modules, not an identifier called "index".
  for (const token of text.split(/[\s"'`()[\]{}<>,;/\\]+/u)) {
    const joined = /[\p{L}\p{N}](?:_|::)[\p{L}\p{N}]/u.test(token);
    const camel = /^\p{Ll}+\p{Lu}/u.test(token);
    for (const word of queryTerms(token))
      if (joined || camel || (/\d/.test(word) && /\p{L}/u.test(word))) words.add(word);
  }
  return words;
}
