import { repositoryRuleProblem, ShellParserNeeded } from "../agent/rule-trust.ts";
import { loadShellParser } from "../agent/shell/parser.ts";
import { type LoadedSettings, type LoadSettingsOptions, loadSettings } from "../config/settings.ts";

/**
 * Loads settings with a repository's allow rules judged by what they can
 * match (rule-trust.ts). Judging a Bash rule needs the shell parser, whose
 * load costs tens of milliseconds, so it is loaded only when a repository file
 * actually has a Bash allow rule: the first pass stops at the first such rule,
 * and the second runs with the parser ready. The first pass's warnings are
 * held back, so each is said once (and still before any error it ran into).
 */
export async function loadJudgedSettings(
  options: LoadSettingsOptions & { home: string; projectRoot: string; userHome: string },
): Promise<LoadedSettings> {
  const { userHome, onWarning, ...rest } = options;
  const judged = (warn: (line: string) => void) =>
    loadSettings({
      ...rest,
      judgeRepositoryRule: (rule) =>
        repositoryRuleProblem(rule, { projectRoot: rest.projectRoot, home: userHome }),
      onWarning: warn,
    });
  const heldBack: string[] = [];
  try {
    const loaded = judged((line) => heldBack.push(line));
    for (const line of heldBack) onWarning?.(line);
    return loaded;
  } catch (error) {
    if (!(error instanceof ShellParserNeeded)) {
      for (const line of heldBack) onWarning?.(line);
      throw error;
    }
  }
  await loadShellParser();
  return judged((line) => onWarning?.(line));
}

/**
 * Said once where no sandbox confines shell commands (none can be made, or
 * sandbox.mode is off): the Bash allow rules only the repository gives are not
 * honoured, since their commands would run unconfined (permission-gate.ts
 * repositoryAllow). Undefined when the repository gives none.
 */
export function repositoryShellRulesNote(repositoryAllow: string[]): string | undefined {
  const shellRules = repositoryAllow.filter((rule) => /^Bash\b/.test(rule));
  if (shellRules.length === 0) return undefined;
  return `The repository's Bash allow rules (${shellRules.join(", ")}) are not honoured without a sandbox: their commands would run unconfined, so they ask.`;
}
