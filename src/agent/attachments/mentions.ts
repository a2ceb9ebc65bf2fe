/**
 * Finding `@path` mentions in a prompt. A mention starts a word (the start of the text or after
 * whitespace or an opening bracket), so `a@b.com` is an email, not a mention, and `\@name` is
 * left as typed. `@"a b.txt"` names a path with spaces. Whether a mention names a file is decided
 * later, against the disk: one that does not stays plain text (`@alice` in a sentence).
 *
 * An image path pasted on its own (a file dragged into the terminal arrives as `/tmp/shot.png`,
 * `'/tmp/my shot.png'` or `/tmp/my\ shot.png`) counts as a mention too, without the @.
 */
export interface Mention {
  /** The path as written, quotes removed. */
  path: string;
  /** Other spellings to try when `path` is not a file: trailing punctuation dropped ("see @a.ts."). */
  alternatives: string[];
  /** An image path pasted without the @ (a file dropped into the terminal): the user naming that one file. */
  pasted?: true;
}

const MENTION = /(^|[\s([{])@(?:"([^"\n]+)"|([^\s"'`]+))/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;
const IMAGE_END = String.raw`\.(?:png|jpe?g|gif|webp)`;
const PASTED_IMAGE = new RegExp(
  String.raw`(?:^|\s)(?:(['"])((?:~|\.{1,2})?/[^'"\n]*?${IMAGE_END})\1|((?:~|\.{1,2})?/(?:\\ |[^\s'"])*?${IMAGE_END}))(?=\s|$)`,
  "gi",
);

export function findMentions(text: string): Mention[] {
  const mentions: Mention[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const quoted = match[2];
    const bare = match[3];
    const written = quoted ?? bare ?? "";
    if (written === "" || seen.has(written)) continue;
    seen.add(written);
    const trimmed = quoted === undefined ? written.replace(TRAILING_PUNCTUATION, "") : written;
    mentions.push({ path: written, alternatives: trimmed !== written && trimmed !== "" ? [trimmed] : [] });
  }
  for (const match of text.matchAll(PASTED_IMAGE)) {
    const written = match[2] ?? (match[3] ?? "").replaceAll("\\ ", " ");
    if (seen.has(written)) continue;
    seen.add(written);
    mentions.push({ path: written, alternatives: [], pasted: true });
  }
  return mentions;
}
