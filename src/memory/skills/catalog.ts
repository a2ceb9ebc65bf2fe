import type { Dirent } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { isInside } from "../../config/real-path.ts";
import { splitFrontmatter } from "../frontmatter.ts";

/**
 * Agent Skills (a folder with a SKILL.md — YAML frontmatter `name` and
 * `description`, then instructions — and resource files), found where Claude
 * Code and other agents keep them. Only reads files.
 *
 * Precedence: the first folder that has a skill of a name wins, in this order:
 * `<repo>/.tacit/skills`, `<repo>/.claude/skills`, `<repo>/.agents/skills`,
 * `<tacit home>/skills`, `~/.claude/skills` — the repository's skill shadows
 * the user's one of the same name (as its instruction files sit closest to the
 * work). A repository's SKILL.md whose real path is outside the repository is
 * not read (a committed link to ~/.netrc), with a warning, like its instruction
 * files. A malformed SKILL.md is skipped with one warning naming it.
 */
type SkillScope = "project" | "user";

export interface SkillSource {
  folder: string;
  scope: SkillScope;
  /** Real path of the folder a SKILL.md must stay inside; absent for the user's own folders. */
  confine?: string;
}

export interface Skill {
  /** The skill's folder name. */
  dir: string;
  /** Absolute path of the skill's folder. */
  path: string;
  name: string;
  description: string;
  license?: string;
  /** Every frontmatter key and value. */
  frontmatter: Record<string, unknown>;
  /** Frontmatter keys besides name, description and license, sorted. */
  otherFrontmatterKeys: string[];
  nameMatchesDir: boolean;
  /** Text after the closing `---` line, trimmed. */
  body: string;
  /** Files in the folder besides SKILL.md, relative with `/`, sorted. */
  resources: string[];
  scope: SkillScope;
  /** The skills folder it was found in. */
  source: string;
}

export interface SkillCatalog {
  skills: Skill[];
  warnings: string[];
}

const SKILL_FILE = "SKILL.md";
const MAX_RESOURCES = 500;
const SKIPPED_FOLDERS = new Set([".git", "node_modules", "__pycache__"]);

export interface SkillLocations {
  projectRoot: string;
  /** The user's home (for ~/.claude/skills). */
  home: string;
  /** TACIT_HOME (~/.tacit). */
  tacitHome: string;
}

async function skillSources(locations: SkillLocations): Promise<SkillSource[]> {
  const root = path.resolve(locations.projectRoot);
  const confine = await realpath(root).catch(() => root);
  return [
    ...[".tacit", ".claude", ".agents"].map((folder) => ({
      folder: path.join(root, folder, "skills"),
      scope: "project" as const,
      confine,
    })),
    { folder: path.join(locations.tacitHome, "skills"), scope: "user" },
    { folder: path.join(locations.home, ".claude", "skills"), scope: "user" },
  ];
}

export async function loadSkills(locations: SkillLocations): Promise<SkillCatalog> {
  return loadSkillsFrom(await skillSources(locations));
}

/** The skills of each folder in order; a name already found is skipped. */
export async function loadSkillsFrom(sources: SkillSource[]): Promise<SkillCatalog> {
  const skills: Skill[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  for (const source of sources) {
    let entries: Dirent[];
    try {
      entries = await readdir(source.folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((left, right) => left.name.localeCompare(right.name))) {
      const skillFolder = path.join(source.folder, entry.name);
      const skillFile = path.join(skillFolder, SKILL_FILE);
      if (!(await isFile(skillFile))) continue;
      if (source.confine !== undefined) {
        const real = await realpath(skillFile).catch(() => skillFile);
        if (!isInside(real, source.confine)) {
          warnings.push(
            `ignored the skill ${skillFile}: it leads outside the repository (to ${real}), and a repository's skills may only be files inside it`,
          );
          continue;
        }
      }
      const parsed = parseSkillFile(await readFile(skillFile, "utf8").catch(() => ""));
      if (typeof parsed === "string") {
        warnings.push(`skipped the skill ${skillFile}: ${parsed}`);
        continue;
      }
      if (names.has(parsed.name)) continue;
      names.add(parsed.name);
      const { name, description, license, ...others } = parsed.frontmatter;
      skills.push({
        dir: entry.name,
        path: skillFolder,
        name: parsed.name,
        description: parsed.description,
        ...(typeof license === "string" ? { license } : {}),
        frontmatter: parsed.frontmatter,
        otherFrontmatterKeys: Object.keys(others).sort(),
        nameMatchesDir: parsed.name === entry.name,
        body: parsed.body,
        resources: await listResources(skillFolder),
        scope: source.scope,
        source: source.folder,
      });
    }
  }
  return { skills, warnings };
}

interface ParsedSkill {
  name: string;
  description: string;
  frontmatter: Record<string, unknown>;
  body: string;
}

/** The frontmatter and body of a SKILL.md, or why it cannot be read as one. */
export function parseSkillFile(text: string): ParsedSkill | string {
  const split = splitFrontmatter(text, { required: true });
  if (typeof split === "string") return split;
  const { frontmatter, body } = split;
  const name = frontmatter.name;
  const description = frontmatter.description;
  if (typeof name !== "string" || !name.trim()) return "its frontmatter has no `name`";
  if (typeof description !== "string" || !description.trim()) return "its frontmatter has no `description`";
  return { name: name.trim(), description: description.trim(), frontmatter, body };
}

async function listResources(skillFolder: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string, prefix: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= MAX_RESOURCES) return;
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) await visit(path.join(folder, entry.name), relative);
      } else if (relative !== SKILL_FILE) found.push(relative);
    }
  };
  await visit(skillFolder, "");
  return found.sort();
}

async function isFile(filePath: string): Promise<boolean> {
  return stat(filePath).then(
    (stats) => stats.isFile(),
    () => false,
  );
}
