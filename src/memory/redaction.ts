/**
 * Secret redaction: runs on everything before it is stored (memories, transcripts,
 * the search index), so a key pasted into a conversation never lands on disk.
 * Each rule is a linear regex (bounded runs, anchored starts) so a megabyte of
 * pasted log costs milliseconds, and a rule may veto a match that is obviously
 * not a secret (a placeholder, a ${VAR} reference, a type name).
 */

export interface Redaction {
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

interface Rule {
  kind: string | ((match: RegExpExecArray) => string);
  pattern: RegExp;
  /** The capture group holding the secret; 0 for the whole match. */
  group?: number;
  /** Returns false to keep a match that is not a secret after all. */
  accept?: (secret: string, match: RegExpExecArray) => boolean;
  /** Keeps the whitespace (and JSON "\\n" escapes) around a key block's body out of the span. */
  trimEdges?: boolean;
}

const hasDigitAndLetter = (value: string) => /\d/.test(value) && /[A-Za-z]/.test(value);

/** Identifier words that name a secret; compounds like "apikey" or "authtoken" are handled below. */
const SECRET_WORDS = new Set([
  "key",
  "secret",
  "token",
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "credential",
  "credentials",
  "auth",
  "authorization",
]);
const SECRET_COMPOUND =
  /^(?:api|access|secret|private|auth|client|refresh|session|bearer|db|admin|root|master|signing|encryption|app|user|login)(?:key|token|secret|password|passwd|pass|pwd)$/;
/** Shell variables whose names look secret but hold ordinary values. */
const NOT_SECRET_NAMES = new Set(["pwd", "oldpwd", "key_path", "keyfile", "key_file", "token_type"]);

/** Splits camelCase, snake_case, kebab-case and dotted names into lowercase words. */
export function isSecretName(name: string): boolean {
  if (NOT_SECRET_NAMES.has(name.toLowerCase())) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/dg, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((word) => SECRET_WORDS.has(word) || SECRET_COMPOUND.test(word));
}

const PLACEHOLDER_WORDS = new Set([
  "true",
  "false",
  "null",
  "nil",
  "none",
  "undefined",
  "string",
  "number",
  "boolean",
  "any",
  "unknown",
  "required",
  "optional",
  "redacted",
  "xxx",
  "todo",
  "tbd",
]);

/** True for values that stand in for a secret rather than being one. */
export function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === "") return true;
  if (PLACEHOLDER_WORDS.has(trimmed.toLowerCase())) return true;
  if (/^\d{1,6}$/.test(trimmed)) return true;
  if (/^\$\{[^}]*\}$|^\$[A-Za-z_][A-Za-z0-9_]*$|^\$\{\{.*\}\}$|^%[A-Za-z_][A-Za-z0-9_]*%$/.test(trimmed))
    return true;
  if (/^\{\{.*\}\}$|^<[^<>]*>$|^\[REDACTED(?::[a-z0-9-]+)?\]$/i.test(trimmed)) return true;
  if (/^(?:process\.env|import\.meta\.env|os\.environ|env)[.[]/.test(trimmed)) return true;
  if (/^(?:\*{3,}|x{3,}|\.{3,}|…|•{3,})$/i.test(trimmed)) return true;
  if (/^(?:your|my|insert|enter|replace|put)[-_ ]/i.test(trimmed) || /[-_ ]here$/i.test(trimmed)) return true;
  return false;
}

const RULES: Rule[] = [
  // Multi-line blocks first; lazy but bounded, so an unterminated BEGIN costs one bounded scan.
  {
    kind: "private-key",
    pattern:
      /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----([\s\S]{0,65536}?)-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/dg,
    group: 1,
    trimEdges: true,
  },
  // A truncated block (no END line) still has its base64 body redacted.
  {
    kind: "private-key",
    pattern:
      /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----([A-Za-z0-9+/=\s\\:,-]{0,65536})/dg,
    group: 1,
    trimEdges: true,
  },
  { kind: "anthropic-key", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,512}/dg },
  {
    kind: "openai-key",
    pattern: /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,512}/dg,
    accept: (secret) => !secret.startsWith("sk-ant-") && hasDigitAndLetter(secret.slice(3)),
  },
  { kind: "google-api-key", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/dg },
  { kind: "github-token", pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}\b/dg },
  { kind: "github-token", pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/dg },
  { kind: "gitlab-token", pattern: /\bglpat-[A-Za-z0-9_-]{20,255}/dg },
  { kind: "slack-token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,255}/dg },
  {
    kind: "slack-webhook",
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9_/]{10,255}/dg,
  },
  {
    kind: "stripe-key",
    pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255}\b/dg,
  },
  { kind: "aws-access-key-id", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/dg },
  {
    kind: "aws-secret-key",
    pattern:
      /(?<![A-Za-z0-9_])(?:aws_?)?secret_?(?:access_?)?key(?:_?id)?["']?\s{0,8}(?:=|:|=>)\s{0,8}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/dgi,
    group: 1,
  },
  {
    kind: "jwt",
    pattern: /\beyJ[A-Za-z0-9_-]{8,4096}\.[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,4096}/dg,
  },
  {
    kind: "bearer-token",
    pattern: /\b(?:Bearer|Token)[ \t]{1,8}([A-Za-z0-9._~+/-]{16,2048}=*)/dg,
    group: 1,
    accept: (secret) => hasDigitAndLetter(secret),
  },
  {
    kind: "url-password",
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/?#"'<>]{1,256}:([^\s@/?#"'<>]{1,256})@/dgi,
    group: 1,
    accept: (secret) => !isPlaceholderValue(secret),
  },
  // name = "value", name: 'value', "name": "value" — anywhere, only quoted literals.
  {
    kind: (match) => assignmentKind(match[1]!),
    pattern:
      /(?<![A-Za-z0-9_.-])["']?([A-Za-z_][A-Za-z0-9_.-]{0,100})["']?[ \t]{0,8}(?::=|=>|=|:)[ \t]{0,8}(["'`])((?:\\.|(?!\2)[^\\\n]){1,1024})\2/dg,
    group: 3,
    accept: (secret, match) => isSecretName(match[1]!) && !isPlaceholderValue(secret),
  },
  // NAME=value, export NAME=value, name: value — a whole line of .env, shell or YAML, unquoted.
  {
    kind: (match) => assignmentKind(match[1]!),
    pattern:
      /^[ \t]{0,64}(?:export[ \t]{1,8}|-[ \t]{1,8})?([A-Za-z_][A-Za-z0-9_.-]{0,100})[ \t]{0,8}[=:][ \t]{0,8}([^\s'"`#,;(){}[\]]{1,1024})[ \t]*(?:#[^\n]*)?$/dgm,
    group: 2,
    accept: (secret, match) => isSecretName(match[1]!) && !isPlaceholderValue(secret),
  },
  // docker run -e DB_PASSWORD=x, env FOO_TOKEN=x cmd: UPPER_CASE names inline, unquoted.
  {
    kind: (match) => assignmentKind(match[1]!),
    pattern: /(?<![A-Za-z0-9_$.])([A-Z][A-Z0-9_]{1,100})=([^\s'"`;&|()[\]<>,]{1,1024})/dg,
    group: 2,
    accept: (secret, match) => isSecretName(match[1]!) && !isPlaceholderValue(secret),
  },
];

/** Spans never redacted: inline data (images, fonts) is base64, not a credential. */
const PROTECTED =
  /\bdata:[a-z]{1,20}\/[a-z0-9.+-]{1,64}(?:;[a-z0-9=-]{1,64}){0,4};base64,[A-Za-z0-9+/=]{1,10000000}/gi;

function assignmentKind(name: string): string {
  const lower = name.toLowerCase();
  if (/pass|pwd/.test(lower)) return "password";
  if (lower.includes("token")) return "token";
  return "secret";
}

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

  RULES.forEach((rule, priority) => {
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
