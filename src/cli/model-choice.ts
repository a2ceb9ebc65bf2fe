import { builtinDefaultModelRef } from "../config/builtin-providers.ts";
import { readProjectChoices } from "../config/project-choices.ts";
import type { Settings } from "../config/settings.ts";
import { type Effort, parseEffort } from "../providers/effort.ts";

export interface StartChoice {
  modelRef: string;
  effort?: Effort;
}

/**
 * The model and effort a run starts with. Model: --model, then a resumed
 * session's own model, then the project's last /model (config/project-choices.ts),
 * then settings, then TACIT_MODEL, then the default of the first built-in
 * provider with a key. Effort: --effort, then the project's last /effort, then
 * settings; absent means the provider's own default.
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
  const modelRef =
    input.flagModel ??
    input.resumedModel ??
    saved.model ??
    input.settings.model ??
    input.env.TACIT_MODEL ??
    builtinDefaultModelRef(input.env);
  const effort = input.flagEffort ?? savedEffort(saved.effort) ?? input.settings.effort;
  return { modelRef, ...(effort ? { effort } : {}) };
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
