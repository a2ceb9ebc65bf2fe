// The review inbox end to end: reflection's memory tool (with the reviewed target) and its skill
// drafting tool make proposals in the workspace's TACIT_HOME; the built CLI lists, shows, approves
// and rejects them, and a run says at start that they wait.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Tool } from "../../src/core/tool.ts";
import type { ReviewSetting } from "../../src/memory/inbox/reviewed-target.ts";
import { createSkillDraftTool } from "../../src/tools/skill-draft.ts";
import { parseAndExecute } from "../tools/parse-and-execute.ts";
import { e2eFixture } from "./fixture.ts";
import {
  toolContextIn as contextIn,
  inboxOf,
  projectMemoryFile as memoryFile,
  reflectWith,
} from "./reflection-proposals.ts";

describe("tacit memory inbox", () => {
  const e2e = e2eFixture({ perTest: true });
  const inbox = () => inboxOf(e2e.workspace);
  const projectMemory = (name: string) => e2e.inProject(".tacit", "memory", `${name}.md`);
  const reflect = (calls: Array<Record<string, unknown>>, review: ReviewSetting = "project") =>
    reflectWith(e2e.workspace, calls, review);

  it("lists proposals, shows one with its diff, approves one and rejects another", async () => {
    const outputs = await reflect([
      {
        command: "create",
        path: "/memories/project/use-pnpm.md",
        file_text: memoryFile("use-pnpm", "This repository uses pnpm", "Use pnpm, never npm."),
      },
      {
        command: "create",
        path: "/memories/project/tabs.md",
        file_text: memoryFile("tabs", "Makefiles use tabs", "Tabs in Makefiles."),
      },
    ]);
    expect(outputs[0]).toMatch(/^Proposed for review: a new memory \/memories\/project\/use-pnpm\.md/);
    expect(existsSync(projectMemory("use-pnpm"))).toBe(false);

    const listed = await e2e.run(["memory", "inbox"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("2 proposals waiting for review");
    expect(listed.stdout).toMatch(/NAME\s+SCOPE\s+WHAT\s+SESSION\s+AGE/);
    expect(listed.stdout).toMatch(/use-pnpm\s+project\s+new memory\s+session-reflected\s+\d+s/);

    // A run says at start that proposals wait.
    e2e.server.enqueue({ text: "ok" });
    const run = await e2e.print("hello");
    expect(run.stderr).toContain("2 proposed project memories waiting for review: tacit memory inbox");

    const shown = await e2e.run(["memory", "inbox", "show", "use-pnpm"]);
    expect(shown.stdout).toContain(
      "project/use-pnpm · new memory · proposed by reflection of session session-reflected",
    );
    expect(shown.stdout).toContain("--- proposed .tacit/memory/use-pnpm.md ---");
    expect(shown.stdout).toContain("Use pnpm, never npm.");
    expect(shown.stdout).toContain("no current file: approving creates it");

    const approved = await e2e.run(["memory", "inbox", "approve", "use-pnpm"]);
    expect(approved.stdout).toContain("Approved project/use-pnpm: created project/use-pnpm");
    expect(readFileSync(projectMemory("use-pnpm"), "utf8")).toContain("Use pnpm, never npm.");
    expect((await e2e.run(["memory", "list", "--scope", "project"])).stdout).toContain("use-pnpm");

    const rejected = await e2e.run(["memory", "inbox", "reject", "tabs"]);
    expect(rejected.stdout).toContain("Rejected project/tabs; nothing changed.");
    expect(existsSync(projectMemory("tabs"))).toBe(false);
    expect(readdirSync(inbox().folder)).toEqual([]);
    expect((await e2e.run(["memory", "inbox"])).stdout).toContain("No proposals waiting for review.");
    e2e.server.enqueue({ text: "ok" });
    expect((await e2e.print("hello again")).stderr).not.toContain("waiting for review");
  });

  it("an edit based on a file that changed since needs --force; approve --all; a broken file is one line", async () => {
    await e2e.run([
      "remember",
      "--scope",
      "project",
      "--name",
      "lint-first",
      "run the linter before committing",
    ]);
    const outputs = await reflect([
      {
        command: "str_replace",
        path: "/memories/project/lint-first.md",
        // The body's line (the description repeats the text).
        old_str: "\n\nrun the linter before committing",
        new_str: "\n\nrun npm run lint before committing",
      },
      {
        command: "create",
        path: "/memories/project/node-24.md",
        file_text: memoryFile("node-24", "Node 24 is pinned", "Use the pinned Node 24."),
      },
    ]);
    expect(outputs[0]).toMatch(/^Proposed for review: an edit of \/memories\/project\/lint-first\.md/);
    const teammate = readFileSync(projectMemory("lint-first"), "utf8").replace(
      "\n\nrun the linter",
      "\n\nrun the linter (see CONTRIBUTING)",
    );
    writeFileSync(projectMemory("lint-first"), teammate);
    writeFileSync(path.join(inbox().folder, "project--garbled.json"), "{ half a proposal");

    const listed = await e2e.run(["memory", "inbox"]);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toMatch(/project--garbled\.json is not a readable proposal: not JSON/);
    expect(listed.stdout).toContain("2 proposals waiting for review");

    const refused = await e2e.run(["memory", "inbox", "approve", "--all"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Approved project/node-24: created project/node-24");
    expect(refused.stderr).toMatch(
      /project\/lint-first changed since project\/lint-first was proposed.*approve --force/,
    );
    expect(refused.stdout).toContain("1 not approved; it stays in the inbox.");
    expect(readFileSync(projectMemory("lint-first"), "utf8")).toBe(teammate);
    expect(existsSync(projectMemory("node-24"))).toBe(true);

    const shown = await e2e.run(["memory", "inbox", "show", "lint-first"]);
    expect(shown.stdout).toContain("--- diff against the current file ---");
    expect(shown.stdout).toMatch(/^-run the linter \(see CONTRIBUTING\) before committing$/m);
    expect(shown.stdout).toMatch(/^\+run npm run lint before committing$/m);

    const forced = await e2e.run(["memory", "inbox", "approve", "lint-first", "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(projectMemory("lint-first"), "utf8")).toContain("run npm run lint before committing");

    const cleared = await e2e.run(["memory", "inbox", "reject", "--all"]);
    expect(cleared.stdout).toContain("Rejected 1 proposal");
    expect(readdirSync(inbox().folder)).toEqual([]);
  });

  it("reflection.review all sends user memories through the inbox; approving commits them", async () => {
    await reflect(
      [
        {
          command: "create",
          path: "/memories/user/short-commits.md",
          file_text:
            "---\nname: short-commits\ndescription: Short commit subjects\ntype: preference\n---\n\nKeep commit subjects short.\n",
        },
      ],
      "all",
    );
    expect(existsSync(path.join(e2e.workspace.home, "memory", "short-commits.md"))).toBe(false);
    const approved = await e2e.run(["memory", "inbox", "approve", "short-commits"]);
    expect(approved.stdout).toContain("Approved user/short-commits: created user/short-commits");
    const log = await e2e.run(["memory", "log"]);
    expect(log.stdout).toMatch(/reflection: create preference short-commits/);
  });

  it("drafted skills: a user one is written and listed, a project one waits for approval", async () => {
    const { home, project, userHome } = e2e.workspace;
    const tool = createSkillDraftTool({
      projectRoot: project,
      home: userHome,
      tacitHome: home,
      session: "session-reflected",
      actor: "reflection",
      inRepository: true,
    });
    const draft = (input: Record<string, unknown>) =>
      parseAndExecute(tool as Tool, input, contextIn(project));
    const skill = (name: string, description: string, body: string) =>
      `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`;

    const user = await draft({
      command: "create",
      scope: "user",
      name: "bisect-regressions",
      file_text: skill(
        "bisect-regressions",
        "Find the commit that broke a test with git bisect run",
        "1. git bisect start\n2. git bisect run npm test",
      ),
    });
    expect(user.isError).toBeFalsy();
    expect(existsSync(path.join(home, "skills", "bisect-regressions", "SKILL.md"))).toBe(true);

    const proposed = await draft({
      command: "create",
      scope: "project",
      name: "release",
      file_text: skill("release", "Cut a release of this project", "1. npm version\n2. git push --tags"),
    });
    expect(proposed.output).toMatch(/^Proposed for review: \.tacit\/skills\/release\/SKILL\.md/);
    await draft({ command: "create", name: "release", file: "scripts/check.sh", file_text: "npm test\n" });
    // Improving it in the same pass reads the proposal back.
    const improved = await draft({
      command: "str_replace",
      name: "release",
      old_str: "2. git push --tags",
      new_str: "2. npm test\n3. git push --tags",
    });
    expect(improved.isError).toBeFalsy();
    expect(existsSync(e2e.inProject(".tacit", "skills", "release"))).toBe(false);

    const before = await e2e.run(["skills", "list"]);
    expect(before.stdout).toContain("bisect-regressions  (user");
    expect(before.stdout).not.toContain("release");
    const listed = await e2e.run(["memory", "inbox"]);
    expect(listed.stdout).toMatch(/release\s+skill\s+new skill: SKILL\.md, scripts\/check\.sh/);

    const approved = await e2e.run(["memory", "inbox", "approve", "release"]);
    expect(approved.stdout).toContain(
      "Approved skill/release: wrote the skill release in .tacit/skills/release",
    );
    const after = await e2e.run(["skills", "list"]);
    expect(after.stdout).toContain("release  (project");
    const shown = await e2e.run(["skills", "show", "release"]);
    expect(shown.stdout).toContain("2. npm test\n3. git push --tags");
    expect(shown.stdout).toContain("scripts/check.sh");
  });
});
