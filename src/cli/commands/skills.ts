import { homedir } from "node:os";
import path from "node:path";
import { findProjectRoot, tacitHome } from "../../config/paths.ts";
import { ConfigError } from "../../core/errors.ts";
import { printStderrLine, writeSafeStdout } from "../../core/terminal-safe.ts";
import { loadSkills, type SkillCatalog } from "../../memory/skills/catalog.ts";
import { stringifyYaml } from "../../memory/yaml.ts";

async function catalogHere(): Promise<SkillCatalog> {
  const cwd = process.cwd();
  const catalog = await loadSkills({
    projectRoot: findProjectRoot(cwd),
    home: process.env.HOME ?? homedir(),
    tacitHome: tacitHome(),
  });
  for (const warning of catalog.warnings) printStderrLine(warning);
  return catalog;
}

function shownFolder(folder: string): string {
  const home = process.env.HOME ?? homedir();
  const fromHome = path.relative(home, folder);
  return fromHome && !fromHome.startsWith("..") && !path.isAbsolute(fromHome) ? `~/${fromHome}` : folder;
}

export async function listSkillsCommand(options: { json?: boolean }): Promise<void> {
  const { skills } = await catalogHere();
  if (options.json) {
    const rows = skills.map(({ name, description, scope, source, path: folder }) => ({
      name,
      description,
      scope,
      source,
      path: folder,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (skills.length === 0) {
    process.stdout.write(
      "No skills. Add a folder with a SKILL.md to .tacit/skills, .claude/skills or .agents/skills in the repository, or to ~/.tacit/skills or ~/.claude/skills.\n",
    );
    return;
  }
  for (const skill of skills) {
    const flat = skill.description.replace(/\s+/g, " ");
    const description = flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
    // A repository's skill names and describes itself: an escape in it (OSC 52 writes the clipboard) is shown, not run.
    writeSafeStdout(`${skill.name}  (${skill.scope}, ${shownFolder(skill.source)})\n    ${description}\n`);
  }
}

export async function showSkillCommand(name: string): Promise<void> {
  const { skills } = await catalogHere();
  const skill = skills.find((candidate) => candidate.name === name);
  if (!skill)
    throw new ConfigError(
      `no skill "${name}"${skills.length ? ` (skills: ${skills.map((candidate) => candidate.name).join(", ")})` : ""}`,
    );
  const files = skill.resources.length ? skill.resources.map((file) => `  ${file}`).join("\n") : "  (none)";
  const warning = skill.nameMatchesDir ? "" : `\n(its name differs from its folder's, ${skill.dir})`;
  writeSafeStdout(
    `${shownFolder(skill.path)} (${skill.scope})${warning}\n---\n${stringifyYaml(skill.frontmatter).trimEnd()}\n---\n\n${skill.body}\n\nfiles:\n${files}\n`,
  );
}
