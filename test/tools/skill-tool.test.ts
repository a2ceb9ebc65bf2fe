import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSkillsFrom } from "../../src/memory/skills/catalog.ts";
import { renderSkillsSection } from "../../src/memory/skills/skills-section.ts";
import { createSkillTool } from "../../src/tools/skill.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

async function setUp() {
  const root = await makeTempDirectory();
  const outside = await makeTempDirectory();
  await writeFile(path.join(outside, "secret.txt"), "TOP SECRET");
  const folder = path.join(root, "skills", "pdf");
  await mkdir(path.join(folder, "reference"), { recursive: true });
  await writeFile(
    path.join(folder, "SKILL.md"),
    "---\nname: pdf\ndescription: Work with PDF files\n---\n\nUse pdftotext; see reference/forms.md.\n",
  );
  await writeFile(path.join(folder, "reference", "forms.md"), "Filling forms.");
  await symlink(path.join(outside, "secret.txt"), path.join(folder, "leak.txt"));
  const catalog = await loadSkillsFrom([{ folder: path.join(root, "skills"), scope: "user" }]);
  return { root, tool: createSkillTool(catalog.skills), skills: catalog.skills };
}

describe("the skill tool", () => {
  it("loads a body that the system prompt leaves out, and the skill's files", async () => {
    const { root, tool, skills } = await setUp();
    const section = renderSkillsSection(skills, "skill");
    expect(section).toContain("- pdf: Work with PDF files");
    expect(section).not.toContain("pdftotext");
    const result = await parseAndExecute(tool, { name: "pdf" }, makeContext(root));
    expect(result.isError).toBeFalsy();
    expect(result.output).toContain("Use pdftotext");
    expect(result.output).toContain("- reference/forms.md");
    const file = await parseAndExecute(tool, { name: "pdf", file: "reference/forms.md" }, makeContext(root));
    expect(file.output).toBe("Filling forms.");
  });

  it("refuses files outside the skill's folder and unknown skills", async () => {
    const { root, tool } = await setUp();
    for (const file of ["leak.txt", "../../../etc/passwd", "/etc/passwd"]) {
      const result = await parseAndExecute(tool, { name: "pdf", file }, makeContext(root));
      expect(result.isError).toBe(true);
      expect(result.output).not.toContain("TOP SECRET");
    }
    const unknown = await parseAndExecute(tool, { name: "docx" }, makeContext(root));
    expect(unknown.isError).toBe(true);
  });

  it("keeps the section within its budget and says what was left out", async () => {
    const { skills } = await setUp();
    const many = Array.from({ length: 40 }, (_, index) => ({
      ...skills[0]!,
      name: `skill-${index}`,
      description: "x".repeat(120),
    }));
    const section = renderSkillsSection(many, "skill");
    expect(Buffer.byteLength(section)).toBeLessThanOrEqual(2048);
    expect(section).toMatch(/\d+ more skill\(s\) not listed/);
  });
});
