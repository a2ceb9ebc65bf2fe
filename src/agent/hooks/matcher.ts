/**
 * Whether a hook's matcher selects this value (a tool's Claude Code name, a
 * SessionStart source, a PreCompact trigger), as Claude Code matches: absent,
 * "" or "*" match everything; names joined by `|` match exactly (case
 * matters); anything else is a regular expression tested against the name
 * (`mcp__github__.*`, `Notebook.*`). A matcher that is not a valid regular
 * expression matches nothing (hook-config.ts has said so at load).
 */
export function matcherMatches(matcher: string | undefined, value: string): boolean {
  if (matcher === undefined || matcher === "" || matcher === "*") return true;
  if (/^[A-Za-z0-9_|]+$/.test(matcher)) return matcher.split("|").includes(value);
  try {
    return new RegExp(matcher).test(value);
  } catch {
    return false;
  }
}
