import { readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { projectStateDirectory } from "./paths.ts";

/**
 * What the user last chose in the TUI for one project: the model (/model) and
 * the reasoning effort (/effort). Kept in ~/.tacit/projects/<project>/choices.json,
 * never in the repository: a choice is the user's, and a cloned repository must
 * not be able to pick the model a user's key pays for.
 *
 * Precedence at start (cli/model-choice.ts): --model, then a resumed session's
 * model, then TACIT_MODEL, then this file, then settings, then the default.
 * Claude Code's /model likewise outlives the session (it writes the user's
 * settings); keeping it per project means another project keeps its own.
 * `/model default` and `/effort default` take a choice out again.
 */
export interface ProjectChoices {
  model?: string;
  effort?: string;
}

function choicesPath(home: string, projectRoot: string): string {
  return path.join(projectStateDirectory(home, projectRoot), "choices.json");
}

/** The saved choices; empty when none were saved or the file is unreadable (a choice is not worth failing a start). */
export function readProjectChoices(home: string, projectRoot: string): ProjectChoices {
  try {
    const parsed: unknown = JSON.parse(readFileSync(choicesPath(home, projectRoot), "utf8"));
    if (typeof parsed !== "object" || parsed === null) return {};
    const record = parsed as Record<string, unknown>;
    return {
      ...(typeof record.model === "string" && record.model ? { model: record.model } : {}),
      ...(typeof record.effort === "string" && record.effort ? { effort: record.effort } : {}),
    };
  } catch {
    return {};
  }
}

/** Merges one choice into the file (atomically). */
export function saveProjectChoice(home: string, projectRoot: string, choice: ProjectChoices): void {
  const next = { ...readProjectChoices(home, projectRoot), ...choice };
  writeFileAtomic(choicesPath(home, projectRoot), `${JSON.stringify(next, null, 2)}\n`);
}

/** Takes one choice out of the file (`/model default`, `/effort default`), keeping the other. */
export function clearProjectChoice(home: string, projectRoot: string, key: keyof ProjectChoices): void {
  const { [key]: _cleared, ...rest } = readProjectChoices(home, projectRoot);
  writeFileAtomic(choicesPath(home, projectRoot), `${JSON.stringify(rest, null, 2)}\n`);
}
