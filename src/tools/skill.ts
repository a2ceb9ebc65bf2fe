import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { isInside } from "../config/real-path.ts";
import type { ToolResult } from "../core/tool.ts";
import type { Skill } from "../memory/skills/catalog.ts";
import { capOutput, DEFAULT_MAX_OUTPUT_CHARS, defineTool } from "./define-tool.ts";

export const SKILL_TOOL_NAME = "skill";
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Loads a skill on demand: its instructions (the SKILL.md body) and the list
 * of its files, or one of those files. Only the skills in the catalog, and
 * only files inside a skill's folder (real path checked), can be read; the
 * catalog is the user's own folders and the repository's confined ones, so the
 * call asks no permission.
 */
export function createSkillTool(skills: Skill[]) {
  return defineTool({
    name: SKILL_TOOL_NAME,
    description:
      "Load a skill listed under Skills in the system prompt: without `file`, its instructions and the list of its files; with `file` (a path from that list), that file's content.",
    inputSchema: z.object({
      name: z.string().describe("The skill's name"),
      file: z.string().optional().describe("A file of the skill, relative to its folder"),
    }),
    readOnly: true,
    permission: () => ({ kind: "none" as const }),
    execute: async (input) => {
      const skill = skills.find((candidate) => candidate.name === input.name);
      if (!skill)
        return {
          output: `No skill named "${input.name}". Skills: ${skills.map((candidate) => candidate.name).join(", ")}`,
          isError: true,
        };
      if (input.file === undefined) return showSkill(skill);
      return readSkillFile(skill, input.file);
    },
  });
}

function showSkill(skill: Skill): ToolResult {
  const files = skill.resources.length
    ? `Files in the skill's folder ${skill.path} (read one with file):\n${skill.resources.map((file) => `- ${file}`).join("\n")}`
    : `The skill's folder ${skill.path} has no other files.`;
  return {
    output: capOutput(`# Skill: ${skill.name}\n\n${skill.body}\n\n${files}`, DEFAULT_MAX_OUTPUT_CHARS),
  };
}

async function readSkillFile(skill: Skill, file: string): Promise<ToolResult> {
  const folder = await realpath(skill.path).catch(() => skill.path);
  const target = path.resolve(skill.path, file);
  const real = await realpath(target).catch(() => undefined);
  if (!real) return { output: `No file ${file} in the skill ${skill.name}.`, isError: true };
  if (!isInside(real, folder))
    return { output: `Refused: ${file} leads outside the skill's folder.`, isError: true };
  const stats = await stat(real);
  if (!stats.isFile()) return { output: `${file} is not a file.`, isError: true };
  if (stats.size > MAX_FILE_BYTES)
    return { output: `${file} is too large to load (${stats.size} bytes).`, isError: true };
  const text = await readFile(real, "utf8");
  return { output: capOutput(text, DEFAULT_MAX_OUTPUT_CHARS) };
}
