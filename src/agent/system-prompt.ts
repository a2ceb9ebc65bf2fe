import type { ModelInfo } from "../core/model.ts";

export interface SystemPromptInput {
  model: ModelInfo;
  cwd: string;
  projectRoot: string;
  isGitRepository: boolean;
  platform: string;
  /** YYYY-MM-DD; passed in so the prompt is stable within a day (and the prompt cache with it). */
  date: string;
  /** AGENTS.md / CLAUDE.md / GEMINI.md, already assembled. */
  projectInstructions?: string;
  /** Extra sections appended last, e.g. the memory index and what is worth remembering. */
  extraSections?: string[];
}

// Kept short on purpose: every byte here is paid on every request.
const CORE_INSTRUCTIONS = `You are tacit, a coding agent working in the user's terminal, in their repository. You help with software engineering: reading and changing code, running commands and tests, explaining, planning.

How to work:
- Understand before changing: read the relevant files and search the code; never guess at a file's content or an API.
- Make the smallest change that fully solves the task, in the style of the surrounding code. Do not add unrelated changes.
- After changing code, verify it: run the project's tests, type checker or build when they exist, and fix what you broke.
- Prefer the dedicated file tools over shell commands for reading, searching and editing files.
- Run independent read-only tool calls together in one step.
- For multi-step work, keep a short todo list with the todo tool and update it as you go.
- If a tool call is refused, do not retry the same call; adjust or ask the user.
- Never commit, push, or delete work unless the user asked for it. Never print or store secrets.

How to answer:
- Be concise and direct; no preamble. Use Markdown; reference code as path:line.
- When you are done, say briefly what you changed and how you verified it, or what is left.`;

/**
 * The stable system prompt: the same bytes for a whole session (until the model
 * or the memory index changes), so providers can cache it.
 */
export function buildSystemPrompt(input: SystemPromptInput): string {
  const environment = [
    `Working directory: ${input.cwd}`,
    input.projectRoot !== input.cwd ? `Project root: ${input.projectRoot}` : undefined,
    `Git repository: ${input.isGitRepository ? "yes" : "no"}`,
    `Platform: ${input.platform}`,
    `Date: ${input.date}`,
    `Model: ${input.model.ref}`,
  ]
    .filter((line) => line !== undefined)
    .join("\n");

  const sections = [CORE_INSTRUCTIONS, `# Environment\n${environment}`];
  if (input.projectInstructions?.trim()) {
    sections.push(
      `# Project instructions\nThese come from instruction files in the repository and the user's home. Follow them; the user's own words in this conversation take precedence.\n\n${input.projectInstructions.trim()}`,
    );
  }
  for (const section of input.extraSections ?? []) if (section.trim()) sections.push(section.trim());
  return sections.join("\n\n");
}
