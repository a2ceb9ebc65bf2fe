/**
 * Secret redaction: runs on everything before it is stored (memories, transcripts,
 * the search index), so a key pasted into a conversation never lands on disk.
 * Each rule is a linear regex (bounded runs, anchored starts) so a megabyte of
 * pasted log costs milliseconds, and a rule may veto a match that is obviously
 * not a secret (a placeholder, a ${VAR} reference, a type name).
 *
 * The rules live beside this file, one concern each: secret-prefix-rules.ts (vendor
 * formats), secret-credential-rules.ts (key blocks, URLs, headers, .netrc/.pgpass,
 * Azure), secret-command-rules.ts (command lines), secret-assignment-rules.ts (values found by their name,
 * judged by secret-values.ts).
 */
import { ASSIGNMENT_RULES } from "./secret-assignment-rules.ts";
import { COMMAND_RULES } from "./secret-command-rules.ts";
import { CREDENTIAL_RULES, KEY_BLOCK_RULES } from "./secret-credential-rules.ts";
import { PREFIX_RULES } from "./secret-prefix-rules.ts";
import type { SecretRule } from "./secret-rule.ts";

export { isPlaceholderValue, isSecretName } from "./secret-values.ts";

interface Redaction {
  /** Which rule matched, e.g. "anthropic-key"; also the marker's label. */
  kind: string;
  /** The secret's span in the ORIGINAL text (end exclusive). */
  start: number;
  end: number;
}

export interface RedactionResult {
  text: string;
  redactions: Redaction[];
}

/** Most specific first: a contested span goes to the earliest list (a key's own format over its name). */
const RULES: SecretRule[] = [
  ...KEY_BLOCK_RULES,
  ...PREFIX_RULES,
  ...CREDENTIAL_RULES,
  ...COMMAND_RULES,
  ...ASSIGNMENT_RULES,
];

/**
 * One pass finds which keywords the text holds, so a rule whose keywords are all absent
 * is skipped without scanning the text once per keyword. The lookahead tries every
 * position (keywords overlap: "--password" holds "--", "-p" and "pass"); the longest
 * keyword wins a position, so each keyword also counts the shorter ones it starts with.
 */
const KEYWORDS = [...new Set(RULES.flatMap((rule) => rule.keywords ?? []))].sort(
  (left, right) => right.length - left.length,
);
const KEYWORD_PATTERN = new RegExp(
  `(?=(${KEYWORDS.map((keyword) => keyword.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")}))`,
  "g",
);
const KEYWORD_PREFIXES = new Map(
  KEYWORDS.map((keyword) => [keyword, KEYWORDS.filter((other) => keyword.startsWith(other))]),
);

function keywordsIn(text: string): Set<string> {
  const present = new Set<string>();
  for (const match of text.toLowerCase().matchAll(KEYWORD_PATTERN)) {
    for (const keyword of KEYWORD_PREFIXES.get(match[1]!) ?? []) present.add(keyword);
  }
  return present;
}

/** Spans never redacted: inline data (images, fonts) is base64, not a credential. */
const PROTECTED =
  /\bdata:[a-z]{1,20}\/[a-z0-9.+-]{1,64}(?:;[a-z0-9=-]{1,64}){0,4};base64,[A-Za-z0-9+/=]{1,10000000}/gi;

/**
 * Replaces every secret in text with [REDACTED:<kind>] and reports where each was.
 * Text without secrets comes back identical.
 */
export function redactSecrets(text: string): RedactionResult {
  const found: Array<Redaction & { priority: number }> = [];
  const protectedSpans: Array<[number, number]> = [];
  for (const match of text.matchAll(PROTECTED))
    protectedSpans.push([match.index, match.index + match[0].length]);
  const isProtected = (start: number, end: number) =>
    protectedSpans.some(([protectedStart, protectedEnd]) => start < protectedEnd && end > protectedStart);

  const present = keywordsIn(text);
  RULES.forEach((rule, priority) => {
    if (rule.keywords && !rule.keywords.some((keyword) => present.has(keyword))) return;
    rule.pattern.lastIndex = 0;
    for (;;) {
      const match = rule.pattern.exec(text);
      if (match === null) break;
      if (match[0].length === 0) rule.pattern.lastIndex++;
      const group = rule.group ?? 0;
      const span = match.indices?.[group];
      if (span === undefined) continue;
      let [start, end] = span;
      if (rule.trimEdges) [start, end] = trimSpan(text, start, end);
      const secret = text.slice(start, end);
      if (secret === "" || ALREADY_REDACTED.test(secret)) continue;
      if (rule.accept !== undefined && !rule.accept(secret, match)) continue;
      if (isProtected(start, end)) continue;
      const kind = typeof rule.kind === "string" ? rule.kind : rule.kind(match);
      found.push({ kind, start, end, priority });
    }
  });

  // The most specific rule wins a contested span ("sk-ant-…" over "a value named key"),
  // then the earliest and widest match; anything overlapping a kept span is dropped.
  found.sort(
    (left, right) => left.priority - right.priority || left.start - right.start || right.end - left.end,
  );
  const kept: Redaction[] = [];
  for (const candidate of found) {
    const index = firstEndingAfter(kept, candidate.start);
    const next = kept[index];
    if (next !== undefined && next.start < candidate.end) continue;
    kept.splice(index, 0, { kind: candidate.kind, start: candidate.start, end: candidate.end });
  }
  if (kept.length === 0) return { text, redactions: [] };

  let output = "";
  let position = 0;
  for (const redaction of kept) {
    output += `${text.slice(position, redaction.start)}[REDACTED:${redaction.kind}]`;
    position = redaction.end;
  }
  output += text.slice(position);
  return { text: output, redactions: kept };
}

const ALREADY_REDACTED = /\[REDACTED:[a-z0-9-]+\]/;

/** Narrows a span past surrounding whitespace and literal "\\n" escapes. */
function trimSpan(text: string, start: number, end: number): [number, number] {
  let from = start;
  let to = end;
  for (;;) {
    if (from < to && /\s/.test(text[from]!)) from++;
    else if (text.startsWith("\\n", from) && from + 2 <= to) from += 2;
    else break;
  }
  for (;;) {
    if (to > from && /\s/.test(text[to - 1]!)) to--;
    else if (to - 2 >= from && text.startsWith("\\n", to - 2)) to -= 2;
    else break;
  }
  return [from, to];
}

/** Binary search in spans sorted by start (and disjoint): the first span ending after position. */
function firstEndingAfter(spans: Redaction[], position: number): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (spans[middle]!.end <= position) low = middle + 1;
    else high = middle;
  }
  return low;
}
