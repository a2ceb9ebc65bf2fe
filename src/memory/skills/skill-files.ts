import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../config/atomic-write.ts";
import { isInside, resolveThroughLinks } from "../../config/real-path.ts";
import { MemoryError } from "../memory-error.ts";

/**
 * Writing a skill's files (for the skill drafting tool and for approving a
 * project skill from the inbox). Every path is checked twice: by its text (a
 * relative path of plain names: no `..`, no hidden names, no absolute path)
 * and by where it really leads (no symlink anywhere on the way, in the skill's
 * folder or above it up to its skills folder), so a cloned repository's
 * `.tacit/skills/x -> ~/.ssh` cannot turn an approval into a write elsewhere.
 */

export const SKILL_FILE = "SKILL.md";
const MAX_SKILL_FILE_CHARACTERS = 200_000;
const MAX_DEPTH = 4;

/** Agent Skills names: lower-case letters, digits and single hyphens, at most 64 characters. */
export function skillNameProblem(name: string): string | undefined {
  if (!name) return "a skill needs a name";
  if (name.length > 64) return "a skill name has at most 64 characters";
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name))
    return `"${name}" is not a skill name: lower-case letters, digits and single hyphens (e.g. release-checklist)`;
  return undefined;
}

/** A file of a skill, relative to its folder, normalised to `a/b.md`; throws a MemoryError saying what is wrong. */
function checkSkillFilePath(file: string): string {
  const segments = file
    .replaceAll("\\", "/")
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".");
  const problem =
    file.includes("\0") || path.isAbsolute(file)
      ? "an absolute path"
      : segments.length === 0
        ? "empty"
        : segments.some((segment) => segment === ".." || segment.startsWith("."))
          ? "a path with `..` or a hidden name"
          : segments.length > MAX_DEPTH
            ? `deeper than ${MAX_DEPTH} folders`
            : undefined;
  if (problem)
    throw new MemoryError(`${file}: a skill's file is a relative path inside its folder, not ${problem}`);
  return segments.join("/");
}

/**
 * The real path of `<skills folder>/<name>/<file>`, refused unless it is
 * exactly that path under the skills folder's real path: no component is a
 * link. `within` (the repository, for a project skill) must hold the skills folder.
 */
export function skillFilePath(skillsFolder: string, name: string, file: string, within?: string): string {
  const problem = skillNameProblem(name);
  if (problem) throw new MemoryError(problem);
  const relative = checkSkillFilePath(file);
  const realFolder = resolveThroughLinks(skillsFolder);
  if (within !== undefined && !isInside(realFolder, resolveThroughLinks(within)))
    throw new MemoryError(
      `the skills folder ${skillsFolder} leads outside the repository (to ${realFolder}); refused`,
    );
  const expected = path.join(realFolder, name, ...relative.split("/"));
  const real = resolveThroughLinks(path.join(skillsFolder, name, ...relative.split("/")));
  if (real !== expected)
    throw new MemoryError(
      `${path.join(skillsFolder, name, relative)} leads through a link (to ${real}); refused`,
    );
  return real;
}

export function writeSkillFile(
  skillsFolder: string,
  name: string,
  file: string,
  text: string,
  within?: string,
): string {
  if (text.length > MAX_SKILL_FILE_CHARACTERS)
    throw new MemoryError(`${file} is too large for a skill file (${text.length} characters)`);
  const target = skillFilePath(skillsFolder, name, file, within);
  writeFileAtomic(target, text);
  return target;
}

/** A skill file's text, or undefined when there is none. */
export function readSkillText(
  skillsFolder: string,
  name: string,
  file: string,
  within?: string,
): string | undefined {
  const target = skillFilePath(skillsFolder, name, file, within);
  try {
    return statSync(target).isFile() ? readFileSync(target, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

/** The files of a skill's folder besides SKILL.md (relative, sorted); links are not followed. */
export function listSkillFiles(skillFolder: string): string[] {
  const found: string[] = [];
  const visit = (folder: string, prefix: string, depth: number) => {
    if (depth > MAX_DEPTH || !existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(path.join(folder, entry.name), relative, depth + 1);
      else if (entry.isFile() && relative !== SKILL_FILE) found.push(relative);
    }
  };
  visit(skillFolder, "", 1);
  return found.sort();
}
