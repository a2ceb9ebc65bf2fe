import type { Skill } from "./catalog.ts";

/** What the skills may cost in every request's system prompt. */
const SKILLS_SECTION_MAX_BYTES = 2048;
const MAX_DESCRIPTION_CHARS = 300;

/**
 * The "Skills" section of the system prompt: only each skill's name and
 * description (its body and files are fetched with the skill tool when
 * needed), within a budget; a note says how many were left out.
 */
export function renderSkillsSection(
  skills: Skill[],
  toolName: string,
  maxBytes = SKILLS_SECTION_MAX_BYTES,
): string {
  if (skills.length === 0) return "";
  const header = `# Skills\nSkills are folders of instructions and resources for particular tasks. When a task matches a skill's description, call the ${toolName} tool with its name to read its instructions before you start, then follow them.\n`;
  const lines: string[] = [];
  let size = Buffer.byteLength(header);
  let index = 0;
  for (; index < skills.length; index++) {
    const skill = skills[index]!;
    const description =
      skill.description.length > MAX_DESCRIPTION_CHARS
        ? `${skill.description.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`
        : skill.description;
    const line = `- ${skill.name}: ${description.replace(/\s+/g, " ")}`;
    // Room is kept for the note about the rest.
    if (size + Buffer.byteLength(line) + 1 > maxBytes - 120) break;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  const left = skills.length - index;
  const note =
    left > 0
      ? `\n(${left} more skill(s) not listed here for space: ${skills
          .slice(index)
          .map((skill) => skill.name)
          .join(", ")
          .slice(0, 100)}; the ${toolName} tool loads them by name too.)`
      : "";
  return `${header}${lines.join("\n")}${note}`;
}
