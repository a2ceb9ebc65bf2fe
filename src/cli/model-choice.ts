import { builtinDefaultModelRef } from "../config/builtin-providers.ts";
import { readProjectChoices } from "../config/project-choices.ts";
import type { Settings } from "../config/settings.ts";
import { type Effort, parseEffort } from "../providers/effort.ts";

export interface StartChoice {
  modelRef: string;
  effort?: Effort;
  /**
   * One line for the user when the project's saved /model or /effort chose this run's model or
   * effort: a choice made in an earlier session silently outranking settings.json surprised users.
   */
  savedChoiceNote?: string;
}

/**
 * The model and effort a run starts with. Model: --model, then a resumed session's own model,
 * then TACIT_MODEL, then the project's last /model (config/project-choices.ts), then settings,
 * then the default of the first built-in provider with a key. What is typed for this run (a flag,
 * an environment variable) beats what was chosen in an earlier one, as in Claude Code and Codex;
 * the saved choice beats settings because it is the newer act, and the start says so.
 * Effort: --effort, then the project's last /effort, then settings; absent means the provider's
 * own default.
 */
export function chooseStartModel(input: {
  flagModel: string | undefined;
  flagEffort: Effort | undefined;
  resumedModel: string | undefined;
  settings: Settings;
  env: NodeJS.ProcessEnv;
  home: string;
  projectRoot: string;
}): StartChoice {
  const saved = readProjectChoices(input.home, input.projectRoot);
  const chosenModel = input.flagModel ?? input.resumedModel ?? input.env.TACIT_MODEL;
  const modelRef = chosenModel ?? saved.model ?? input.settings.model ?? builtinDefaultModelRef(input.env);
  const modelFromSaved = chosenModel === undefined && saved.model !== undefined;
  const savedLevel = input.flagEffort ? undefined : savedEffort(saved.effort);
  const effort = input.flagEffort ?? savedLevel ?? input.settings.effort;
  const note = savedChoiceNote({
    model: modelFromSaved ? { ref: modelRef, over: input.settings.model } : undefined,
    effort: savedLevel ? { level: savedLevel, over: input.settings.effort } : undefined,
  });
  return { modelRef, ...(effort ? { effort } : {}), ...(note ? { savedChoiceNote: note } : {}) };
}

/** "Model x (over settings' y) from your last /model in this project; /model default goes back to settings." */
function savedChoiceNote(from: {
  model: { ref: string; over: string | undefined } | undefined;
  effort: { level: Effort; over: Effort | undefined } | undefined;
}): string | undefined {
  const parts: string[] = [];
  const commands: string[] = [];
  if (from.model) {
    const over =
      from.model.over && from.model.over !== from.model.ref ? ` (over settings' ${from.model.over})` : "";
    parts.push(`model ${from.model.ref}${over}`);
    commands.push("/model");
  }
  if (from.effort) {
    const over =
      from.effort.over && from.effort.over !== from.effort.level
        ? ` (over settings' ${from.effort.over})`
        : "";
    parts.push(`effort ${from.effort.level}${over}`);
    commands.push("/effort");
  }
  if (parts.length === 0) return undefined;
  const clear = commands.map((command) => `${command} default`).join(" and ");
  return `Using ${parts.join(" and ")} from your last ${commands.join(" and ")} in this project; ${clear} to go back to settings`;
}

/** A hand-edited file's bad effort is dropped, not fatal: the user did not type it on this run. */
function savedEffort(value: string | undefined): Effort | undefined {
  if (!value) return undefined;
  try {
    return parseEffort(value);
  } catch {
    return undefined;
  }
}
