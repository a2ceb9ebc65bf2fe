import { z } from "zod";
import type { ToolResult } from "../core/tool.ts";
import { inboxFolder, ReviewInbox } from "../memory/inbox/review-inbox.ts";
import { MemoryError } from "../memory/memory-error.ts";
import { SkillDrafts } from "../memory/skills/skill-drafts.ts";
import { SKILL_FILE } from "../memory/skills/skill-files.ts";
import { capOutput, DEFAULT_MAX_OUTPUT_CHARS, defineTool } from "./define-tool.ts";

const SKILL_DRAFT_TOOL_NAME = "skill_draft";

const DESCRIPTION = `Draft or improve an Agent Skill: a folder with a SKILL.md (frontmatter \`name\` and \`description\`, then step-by-step instructions) and optional resource files (scripts, templates, checklists) next to it.
When to draft one: the session solved a multi-step task that is likely to come back (a release, a migration, a debugging routine for this stack), and the steps that worked are worth following again. A single fact or preference is a memory, not a skill. When a session used a skill and had to correct it, improve that skill with str_replace instead of drafting another.
How: view first (without a name it lists the skills; with one it shows SKILL.md and the skill's files). create writes a new file (SKILL.md first, with scope "user" for a skill useful in any project, "project" for one about this repository); str_replace changes an existing one. The description says when to use the skill, in one or two sentences; the body gives the steps, the exact commands and the pitfalls met.
User skills are written at once. Project skills are shared with the team through the repository, so they are proposed for the user's review instead; your later reads show the proposal.`;

// Made with the tool (reflection only), not when the module loads: a session's start never needs it.
function inputSchema() {
  return z.object({
    command: z.enum(["view", "create", "str_replace"]),
    name: z.string().optional().describe("The skill's name: kebab-case, also its folder's name"),
    scope: z.enum(["user", "project"]).optional().describe("create of a new skill: user or project"),
    file: z
      .string()
      .optional()
      .describe(`A file of the skill, relative to its folder (default ${SKILL_FILE})`),
    file_text: z.string().optional().describe("create: the whole file"),
    old_str: z.string().optional(),
    new_str: z.string().optional(),
  });
}

export interface SkillDraftToolOptions {
  projectRoot: string;
  /** The user's home. */
  home: string;
  /** tacit's home (~/.tacit): user skills go to its `skills` folder, proposals to the project's inbox. */
  tacitHome: string;
  /** The session being reflected on: each proposal names it. */
  session: string;
  /** Who drafts ("reflection"): the approving commit starts with it. */
  actor?: string;
  /** The project root is a git repository (else only user skills). */
  inRepository: boolean;
  /** `tacit reflect --dry-run`: report what would be drafted, write and propose nothing. */
  dryRun?: boolean;
}

/**
 * The skill drafting tool, for reflection only (its `extraTools`): a session
 * never gets it, so the model of a session cannot plant a skill the user has
 * not seen (user skills are the user's own folder; project ones wait in the
 * inbox).
 */
export function createSkillDraftTool(options: SkillDraftToolOptions) {
  const drafts = new SkillDrafts({
    locations: { projectRoot: options.projectRoot, home: options.home, tacitHome: options.tacitHome },
    inbox: new ReviewInbox(inboxFolder(options.tacitHome, options.projectRoot)),
    session: options.session,
    ...(options.actor ? { actor: options.actor } : {}),
    inRepository: options.inRepository,
    ...(options.dryRun ? { dryRun: true } : {}),
  });
  return defineTool({
    name: SKILL_DRAFT_TOOL_NAME,
    description: DESCRIPTION,
    inputSchema: inputSchema(),
    readOnly: (input) => input.command === "view",
    permission: () => ({ kind: "none" as const }),
    execute: async (input): Promise<ToolResult> => {
      try {
        return { output: capOutput(run(drafts, input), DEFAULT_MAX_OUTPUT_CHARS) };
      } catch (error) {
        if (error instanceof MemoryError) return { output: error.message, isError: true };
        throw error;
      }
    },
  });
}

function run(drafts: SkillDrafts, input: z.infer<ReturnType<typeof inputSchema>>): string {
  if (input.command === "view" && !input.name) return listing(drafts);
  const name = input.name ?? "";
  if (!name) throw new MemoryError(`${input.command} needs the skill's name`);
  const file = input.file ?? SKILL_FILE;
  const found = drafts.find(name);
  if (input.command === "view") {
    if (!found) throw new MemoryError(`no skill named "${name}"; create it with its ${SKILL_FILE}`);
    const text = drafts.read(found, name, file);
    if (text === undefined) throw new MemoryError(`the skill ${name} has no file ${file}`);
    if (input.file !== undefined) return text;
    const files = drafts.files(found, name);
    return `${found.scope} skill ${name}\n${text}\nfiles: ${files.join(", ")}`;
  }
  if (input.command === "create") {
    if (input.file_text === undefined) throw new MemoryError("create needs file_text");
    const place = found ?? drafts.placeFor(requireScope(input.scope));
    if (drafts.read(place, name, file) !== undefined)
      throw new MemoryError(`${file} of the skill ${name} already exists; use str_replace to change it`);
    return drafts.write(place, name, file, input.file_text);
  }
  if (!found) throw new MemoryError(`no skill named "${name}"`);
  const current = drafts.read(found, name, file);
  if (current === undefined) throw new MemoryError(`the skill ${name} has no file ${file}; create it`);
  const oldText = input.old_str ?? "";
  const count = oldText ? current.split(oldText).length - 1 : 0;
  if (count !== 1)
    throw new MemoryError(
      count === 0
        ? `old_str was not found in ${file} of ${name}; view it and copy the text exactly`
        : `old_str occurs ${count} times in ${file} of ${name}; include more context to make it unique`,
    );
  return drafts.write(
    found,
    name,
    file,
    current.replace(oldText, () => input.new_str ?? ""),
  );
}

function requireScope(scope: "user" | "project" | undefined): "user" | "project" {
  if (!scope)
    throw new MemoryError('a new skill needs a scope: "user" (any project) or "project" (this repository)');
  return scope;
}

function listing(drafts: SkillDrafts): string {
  const skills = drafts.list();
  if (skills.length === 0) return "No skills yet.";
  return skills
    .map(
      (skill) => `- ${skill.name} (${skill.scope}${skill.pending ? ", proposed" : ""}): ${skill.description}`,
    )
    .join("\n");
}
