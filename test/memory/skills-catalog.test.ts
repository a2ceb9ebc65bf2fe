import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSkills, loadSkillsFrom, parseSkillFile } from "../../src/memory/skills/catalog.ts";

const sharedSkills = path.resolve(import.meta.dirname, "../../../shared/interop/skills");
const created: string[] = [];

afterEach(async () => {
  for (const directory of created.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function temp(): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "tacit-skills-"));
  created.push(directory);
  return directory;
}

async function writeSkill(
  folder: string,
  name: string,
  description: string,
  body = "Body.",
): Promise<string> {
  const skillFolder = path.join(folder, name);
  await mkdir(skillFolder, { recursive: true });
  await writeFile(
    path.join(skillFolder, "SKILL.md"),
    `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`,
  );
  return skillFolder;
}

describe.skipIf(!existsSync(path.join(sharedSkills, "expected-catalog.json")))("the shared skills", () => {
  it("load as the expected catalog", async () => {
    const expected = JSON.parse(readFileSync(path.join(sharedSkills, "expected-catalog.json"), "utf8")) as {
      skills: Array<Record<string, unknown>>;
    };
    const catalog = await loadSkillsFrom([{ folder: sharedSkills, scope: "user" }]);
    expect(catalog.warnings).toEqual([]);
    const actual = catalog.skills.map((skill) => ({
      dir: skill.dir,
      name: skill.name,
      description: skill.description,
      license: skill.license,
      otherFrontmatterKeys: skill.otherFrontmatterKeys,
      nameMatchesDir: skill.nameMatchesDir,
      descriptionLength: skill.description.length,
      bodyLines: skill.body.split("\n").length,
      resources: skill.resources,
    }));
    expect(actual).toEqual(expected.skills);
  });
});

describe("the skill catalog", () => {
  it("lets a repository's skill shadow the user's of the same name", async () => {
    const root = await temp();
    const home = await temp();
    await writeSkill(path.join(root, ".claude", "skills"), "deploy", "Repo deploy");
    await writeSkill(path.join(home, ".tacit", "skills"), "deploy", "User deploy");
    await writeSkill(path.join(home, ".claude", "skills"), "review", "User review");
    const catalog = await loadSkills({ projectRoot: root, home, tacitHome: path.join(home, ".tacit") });
    expect(catalog.skills.map((skill) => [skill.name, skill.description, skill.scope])).toEqual([
      ["deploy", "Repo deploy", "project"],
      ["review", "User review", "user"],
    ]);
  });

  it("skips a malformed SKILL.md with one warning naming it", async () => {
    const root = await temp();
    const folder = path.join(root, ".tacit", "skills", "broken");
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, "SKILL.md"), "---\nname: broken\n---\nno description\n");
    const catalog = await loadSkills({ projectRoot: root, home: root, tacitHome: path.join(root, "th") });
    expect(catalog.skills).toEqual([]);
    expect(catalog.warnings).toHaveLength(1);
    expect(catalog.warnings[0]).toContain(path.join(folder, "SKILL.md"));
    expect(parseSkillFile("no frontmatter")).toBeTypeOf("string");
    expect(parseSkillFile("---\nname: [unclosed\n---\n")).toBeTypeOf("string");
  });

  it("refuses a repository SKILL.md linked outside the repository", async () => {
    const root = await temp();
    const outside = await temp();
    await writeSkill(outside, "secret", "Outside");
    const folder = path.join(root, ".agents", "skills", "secret");
    await mkdir(folder, { recursive: true });
    await symlink(path.join(outside, "secret", "SKILL.md"), path.join(folder, "SKILL.md"));
    const catalog = await loadSkills({ projectRoot: root, home: root, tacitHome: path.join(root, "th") });
    expect(catalog.skills).toEqual([]);
    expect(catalog.warnings[0]).toContain("outside the repository");
  });
});
