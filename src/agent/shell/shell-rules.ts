import type { PermissionSubject } from "../../core/tool.ts";
import { isHarmlessWrite, type MatchContext, type PermissionRule, parseRule } from "../permission-rules.ts";
import { analyzeShell } from "./analysis.ts";

export { quoteForShell } from "./words.ts";

/** The shell-specific parts of the permission gate's decisions. The parser must be loaded. */

/**
 * The narrowest useful rule for a shell command: its first two words (or as
 * many as name what it runs: `find . -exec rm:*`) as a prefix, or the exact
 * command when no prefix rule could cover it (several commands,
 * substitutions, expansions, writes outside the project), or when it runs
 * code the analysis cannot read (`python3 -c`, `git -c …`): a wildcard
 * would then allow any code.
 */
export function suggestShellRule(text: string, context: MatchContext): string {
  const command = text.trim();
  const analysis = analyzeShell(command);
  const only = analysis.commands[0];
  const writesOutside = only?.writes.some(
    (target) => !isHarmlessWrite(target, context, analysis.changesDirectory),
  );
  if (!only || analysis.commands.length > 1 || analysis.notPlain.length > 0 || writesOutside)
    return readsBackAs(`Bash(${command})`, "exact", command);
  if (!Number.isFinite(only.pinnedWords) || analysis.unresolved.length > 0)
    return readsBackAs(`Bash(${command})`, "exact", command);
  const form = only.forms[0]!;
  const words = Math.min(Math.max(2, only.pinnedWords), form.wordEnds.length);
  const prefix = form.text.slice(0, form.wordEnds[words - 1]);
  return readsBackAs(`Bash(${prefix}:*)`, "prefix", prefix);
}

/**
 * The rule when it reads back as the pattern meant, else "" (no rule is offered). The rule syntax
 * has no escape: a `*` in an exact command reads as a wildcard (`Bash(rm *)` is every rm, `Bash(x
 * a:*)` the prefix `x a`), so "allow always" for such a command would allow far more than the
 * command the user saw.
 */
function readsBackAs(rule: string, type: "exact" | "prefix", text: string): string {
  const target = parseRule(rule).target;
  const read = target.kind === "bash" ? target.command : undefined;
  return read?.type === type && read.text === text ? rule : "";
}

/**
 * Why a shell command might match a deny or ask rule without the analysis
 * seeing it (`$c`, `eval "$x"`, `curl … | sh`), when there are such rules
 * and no exact allow rule names the command; undefined otherwise.
 */
export function unresolvedAgainstRules(
  subject: PermissionSubject,
  guardingRules: PermissionRule[],
  allowRules: PermissionRule[],
): string | undefined {
  if (subject.kind !== "bash" || !guardingRules.some((rule) => rule.target.kind === "bash")) return undefined;
  const command = subject.command.trim();
  const exactlyAllowed = allowRules.some(
    (rule) =>
      rule.target.kind === "bash" &&
      rule.target.command?.type === "exact" &&
      rule.target.command.text === command,
  );
  if (exactlyAllowed) return undefined;
  return analyzeShell(command).unresolved[0];
}
