import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newToolSessionState, type Tool, type ToolContext } from "../../src/core/tool.ts";
import { approveProposal } from "../../src/memory/inbox/approve.ts";
import { inboxFolder, ReviewInbox } from "../../src/memory/inbox/review-inbox.ts";
import { MemoryStore } from "../../src/memory/memory-store.ts";
import { memoryScopes } from "../../src/memory/scopes.ts";
import { loadSkills } from "../../src/memory/skills/catalog.ts";
import { createSkillDraftTool } from "../../src/tools/skill-draft.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

const skillText = (name: string, description = "Cut a release", body = "1. Tag it.") =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`;

describe("the skill drafting tool", () => {
  let root: string;
  let projectRoot: string;
  let tacitHome: string;
  let home: string;
  let context: ToolContext;
  let tool: Tool;
  const draft = async (input: Record<string, unknown>) => parseAndExecute(tool, input, context);

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-skill-draft-"));
    projectRoot = path.join(root, "project");
    tacitHome = path.join(root, "home", ".tacit");
    home = path.join(root, "home");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    tool = createSkillDraftTool({
      projectRoot,
      home,
      tacitHome,
      session: "s-1",
      actor: "reflection",
      inRepository: true,
    }) as Tool;
    context = {
      cwd: projectRoot,
      projectRoot,
      signal: new AbortController().signal,
      state: newToolSessionState(),
    };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("writes a user skill at once, found by the catalog, and improves it with str_replace", async () => {
    const created = await draft({
      command: "create",
      scope: "user",
      name: "release",
      file_text: skillText("release"),
    });
    expect(created.isError).toBeFalsy();
    const edited = await draft({
      command: "str_replace",
      name: "release",
      old_str: "1. Tag it.",
      new_str: "1. Run the tests.\n2. Tag it.",
    });
    expect(edited.isError).toBeFalsy();
    await draft({ command: "create", name: "release", file: "scripts/tag.sh", file_text: "git tag v1\n" });
    const catalog = await loadSkills({ projectRoot, home, tacitHome });
    const skill = catalog.skills.find((each) => each.name === "release");
    expect(skill).toMatchObject({
      scope: "user",
      description: "Cut a release",
      resources: ["scripts/tag.sh"],
    });
    expect(skill?.body).toBe("1. Run the tests.\n2. Tag it.");
    const viewed = await draft({ command: "view", name: "release" });
    expect(viewed.output).toContain("files: SKILL.md, scripts/tag.sh");
    expect((await draft({ command: "view" })).output).toBe("- release (user): Cut a release");
  });

  it("refuses bad names, paths outside the folder, a SKILL.md without its name, and links", async () => {
    const refusals: Array<[Record<string, unknown>, RegExp]> = [
      [
        { command: "create", scope: "user", name: "Release Steps", file_text: skillText("x") },
        /not a skill name/,
      ],
      [
        { command: "create", scope: "user", name: "release", file_text: skillText("other") },
        /must be the skill's name "release"/,
      ],
      [
        { command: "create", scope: "user", name: "release", file_text: "no frontmatter" },
        /does not start with a `---`/,
      ],
      [
        { command: "create", scope: "user", name: "release", file: "notes.md", file_text: "x" },
        /create SKILL\.md of the skill release first/,
      ],
      [{ command: "create", name: "release", file_text: skillText("release") }, /needs a scope/],
    ];
    for (const [input, message] of refusals) {
      const result = await draft(input);
      expect(result.isError, JSON.stringify(input)).toBe(true);
      expect(result.output).toMatch(message);
    }
    await draft({ command: "create", scope: "user", name: "release", file_text: skillText("release") });
    for (const file of ["../escape.md", "/etc/x", "scripts/../../x", ".hidden"]) {
      const result = await draft({ command: "create", name: "release", file, file_text: "x" });
      expect(result.isError, file).toBe(true);
      expect(result.output).toMatch(/a skill's file is a relative path inside its folder/);
    }

    // A skill folder that is a link out (planted, or a user's synced folder) is not written through.
    const outside = path.join(root, "outside");
    mkdirSync(outside);
    writeFileSync(path.join(outside, "SKILL.md"), skillText("linked"));
    symlinkSync(outside, path.join(tacitHome, "skills", "linked"));
    const linked = await draft({
      command: "str_replace",
      name: "linked",
      old_str: "1. Tag it.",
      new_str: "rm -rf /",
    });
    expect(linked.isError).toBe(true);
    expect(linked.output).toMatch(/leads through a link/);
    expect(readFileSync(path.join(outside, "SKILL.md"), "utf8")).toContain("1. Tag it.");

    // Claude Code's skills are read, never changed.
    const claude = path.join(home, ".claude", "skills", "theirs");
    mkdirSync(claude, { recursive: true });
    writeFileSync(path.join(claude, "SKILL.md"), skillText("theirs"));
    const theirs = await draft({ command: "str_replace", name: "theirs", old_str: "Tag", new_str: "Push" });
    expect(theirs.output).toMatch(/tacit reads but does not change/);
  });

  it("proposes a project skill through the inbox; approval puts it in the catalog, and an edit of it goes the same way", async () => {
    const proposed = await draft({
      command: "create",
      scope: "project",
      name: "deploy",
      file_text: skillText("deploy", "Deploy to staging"),
    });
    expect(proposed.output).toMatch(/^Proposed for review: \.tacit\/skills\/deploy\/SKILL\.md/);
    expect(existsSync(path.join(projectRoot, ".tacit", "skills"))).toBe(false);
    const inbox = new ReviewInbox(inboxFolder(tacitHome, projectRoot));
    const store = new MemoryStore({ folders: memoryScopes({ home: tacitHome, projectRoot }), projectRoot });
    await approveProposal({ store, inbox, projectRoot }, inbox.get("skill/deploy")!);
    expect((await loadSkills({ projectRoot, home, tacitHome })).skills.map((skill) => skill.name)).toEqual([
      "deploy",
    ]);

    const improved = await draft({
      command: "str_replace",
      name: "deploy",
      old_str: "1. Tag it.",
      new_str: "1. Check the health endpoint.",
    });
    expect(improved.output).toMatch(/^Proposed for review/);
    expect(readFileSync(path.join(projectRoot, ".tacit", "skills", "deploy", "SKILL.md"), "utf8")).toContain(
      "1. Tag it.",
    );
    const proposal = inbox.get("skill/deploy");
    expect(proposal?.kind === "skill" && proposal.baseHashes["SKILL.md"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("in a dry run says what it would write or propose, and changes nothing", async () => {
    tool = createSkillDraftTool({
      projectRoot,
      home,
      tacitHome,
      session: "s-1",
      inRepository: true,
      dryRun: true,
    }) as Tool;
    const user = await draft({
      command: "create",
      scope: "user",
      name: "release",
      file_text: skillText("release"),
    });
    expect(user.output).toBe(
      `Dry run: would write ${path.join(tacitHome, "skills", "release", "SKILL.md")} (user skill release).`,
    );
    const project = await draft({
      command: "create",
      scope: "project",
      name: "deploy",
      file_text: skillText("deploy"),
    });
    expect(project.output).toBe(
      "Dry run: would propose for review .tacit/skills/deploy/SKILL.md (project skill deploy).",
    );
    expect(existsSync(path.join(tacitHome, "skills"))).toBe(false);
    expect(existsSync(inboxFolder(tacitHome, projectRoot))).toBe(false);
  });
});
