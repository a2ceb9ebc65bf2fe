/**
 * The URLs in a Gemini CLI `web_fetch` prompt. Gemini models are trained on a tool that takes one
 * `prompt` holding up to 20 URLs and what to do with them; tacit fetches each of them.
 */

/** Gemini CLI's limit: a prompt naming more URLs than this fetches only the first this many. */
export const MAX_PROMPT_URLS = 20;

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/g;
/**
 * Sentence punctuation after a URL ("see https://x.org/a." or "(https://x.org/a)") is not part of it;
 * a closing bracket the URL itself opened is (https://en.wikipedia.org/wiki/Go_(game)).
 */
function withoutTrailingPunctuation(url: string): string {
  let end = url.length;
  for (; end > 0; end--) {
    const last = url[end - 1]!;
    if (".,;:!?".includes(last)) continue;
    const opener = { ")": "(", "]": "[", "}": "{" }[last];
    if (!opener) break;
    const head = url.slice(0, end);
    if (head.split(opener).length >= head.split(last).length) break;
  }
  return url.slice(0, end);
}

/** The distinct http(s) URLs of a prompt, in order, at most MAX_PROMPT_URLS. */
export function urlsInPrompt(prompt: string): string[] {
  const found = new Set<string>();
  for (const match of prompt.matchAll(URL_IN_TEXT)) {
    found.add(withoutTrailingPunctuation(match[0]));
    if (found.size === MAX_PROMPT_URLS) break;
  }
  return [...found];
}
