/**
 * The shape every redaction rule shares. Each rule file (well-known prefixes,
 * credentials in commands and URLs, name-based assignments) exports a list of
 * these; redaction.ts runs them in order, so an earlier list wins a contested span.
 */
export interface SecretRule {
  kind: string | ((match: RegExpExecArray) => string);
  /** Must carry the `d` (indices) and `g` flags; every repetition bounded so a megabyte costs milliseconds. */
  pattern: RegExp;
  /** The capture group holding the secret; 0 for the whole match. */
  group?: number;
  /** Returns false to keep a match that is not a secret after all. */
  accept?: (secret: string, match: RegExpExecArray) => boolean;
  /**
   * Lowercase strings of which the text must hold at least one for the rule to run at all
   * (like gitleaks' keywords): most stored text has no "sk-" or "password", and skipping a
   * pattern is much cheaper than running it. Absent: the rule always runs.
   */
  keywords?: string[];
  /** Keeps the whitespace (and JSON "\\n" escapes) around a key block's body out of the span. */
  trimEdges?: boolean;
}

/** Up to `limit` characters before a match, on the match's own line: the context a rule may check. */
export function textBefore(match: RegExpExecArray, limit: number): string {
  const from = Math.max(0, match.index - limit);
  const before = match.input.slice(from, match.index);
  return before.slice(before.lastIndexOf("\n") + 1);
}
