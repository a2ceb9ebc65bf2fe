import type { MemoryEntry } from "../../memory/memory-types.ts";

/**
 * What tacit init tells the model. The user's message is one line (what the TUI shows and the session
 * keeps as the user's words); the instructions, the memories already saved and the survey ride with it as
 * the turn's context, so the model has all it needs in its first request.
 */

export interface ExistingMemory {
  entry: MemoryEntry;
  body: string;
}

export interface InitInstructionOptions {
  focus?: string;
  /** Write or improve AGENTS.md as the last step (tacit init --agents-md). */
  writeAgentsFile: boolean;
  /** Offer AGENTS.md at the end instead (the TUI, where the user can answer). */
  offerAgentsFile: boolean;
}

/** The memories already saved take at most this many characters of the prompt, bodies included. */
const EXISTING_BUDGET = 8_000;

export function initUserPrompt(focus?: string): string {
  const base = "Study this repository and save what you learn as project memories (tacit init).";
  return focus?.trim() ? `${base} Focus: ${focus.trim()}` : base;
}

export function initInstructions(options: InitInstructionOptions): string {
  const last = options.writeAgentsFile
    ? "Last, write or improve AGENTS.md at the repository root from what you learned (the only file you may write; if one exists, improve it and keep what is still true; well under 150 lines, specific to this repository)."
    : options.offerAgentsFile
      ? "Then offer, in one sentence, to write or improve AGENTS.md from them; do not write it now."
      : "";
  return [
    "# tacit init",
    "Study this repository and save what a new teammate (or agent) needs as PROJECT memories, with the memory tool, so the next task starts informed.",
    "",
    "1. Start from the repository survey below: it already holds the layout, the manifests, the commands they declare, CI steps, the README's opening and any instruction files. Read only what you still need to be sure (a few files: a representative source file, a test, a config). Do not crawl. You have read-only tools and the memory tool: do not try to run or change anything else.",
    "2. Save each of these as its own memory, /memories/project/<kebab-name>.md:",
    "   - the exact commands to install, build, test (and run a single test), lint or format, and type-check, as they are typed here (type: reference);",
    "   - the architecture in two to four memories: the main parts, where they live, how they fit (type: project);",
    "   - conventions the code visibly follows (type: pattern);",
    "   - gotchas a newcomer would trip on (type: project or decision).",
    "   Only what the files show; never guess. Keep each short, and list the files it is about under `paths:`.",
    "3. Memories already saved are listed below when there are any: update them (view, then str_replace) where they are incomplete or wrong; never create a second memory on a topic one already covers (the memory tool refuses near-copies and names the one to edit). Delete one only if the repository shows it is wrong.",
    `4. Finish with a short list of the memories you saved or changed.${last ? ` ${last}` : ""}`,
    "",
    "A memory file:",
    "---",
    "name: test-commands",
    "description: How to build, test and lint this project",
    "type: reference",
    "paths: [package.json]",
    "---",
    "Build: `npm run build`. Test: `npm test`; one file: `npx vitest run test/x.test.ts`.",
    "**Why:** …  **How to apply:** …",
    ...(options.focus?.trim() ? ["", `Pay particular attention to: ${options.focus.trim()}`] : []),
  ].join("\n");
}

/**
 * The project memories already saved, bodies included while they fit the budget and names with
 * descriptions after that, so a second run knows what to update rather than repeat.
 */
export function existingMemoriesSection(memories: readonly ExistingMemory[]): string {
  if (memories.length === 0) return "# Project memories already saved\n(none yet)";
  const lines = [`# Project memories already saved (${memories.length}): update these, do not repeat them`];
  let used = 0;
  for (const { entry, body } of memories) {
    const heading = `## /memories/project/${entry.name}.md (${entry.type}): ${entry.description}`;
    const whole = `${heading}\n${body.trim()}`;
    if (used + whole.length <= EXISTING_BUDGET) {
      lines.push(whole);
      used += whole.length;
    } else {
      lines.push(`${heading}\n(body not shown: view the file)`);
      used += heading.length;
    }
  }
  return lines.join("\n\n");
}
