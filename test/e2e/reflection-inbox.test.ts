// Reflection through the built CLI writes the shared project memory only through the review inbox:
// its project-scope change waits as a proposal, reaches .tacit/memory only on approval, and a
// rejected one leaves nothing; it has the skill drafting tool, and a drafted project skill waits too.
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { isReflection } from "./reflection-script.ts";

const e2e = e2eFixture({ perTest: true });

const memoryFile = (name: string, description: string) =>
  ["---", `name: ${name}`, `description: ${description}`, "type: project", "---", description, ""].join("\n");

const skillFile = [
  "---",
  "name: cut-release",
  "description: cut a release of this repository",
  "---",
  "1. make release",
  "",
].join("\n");

describe("reflection and the review inbox", () => {
  const projectMemory = (name: string) => e2e.inProject(".tacit", "memory", `${name}.md`);

  it("proposes project memories and skills instead of writing them; approve puts one in place, reject leaves nothing", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Released with make release." });
    const run = await e2e.print("cut the release, and remember: we always release with make release", [
      "--output-format",
      "json",
    ]);
    const sessionId = JSON.parse(run.stdout).session_id as string;

    server.enqueue(
      {
        toolCalls: [
          {
            name: "memory",
            input: {
              command: "create",
              path: "/memories/project/release-with-make.md",
              file_text: memoryFile("release-with-make", "releases are cut with make release"),
            },
          },
          {
            name: "memory",
            input: {
              command: "create",
              path: "/memories/project/release-on-fridays.md",
              file_text: memoryFile("release-on-fridays", "releases happen on fridays"),
            },
          },
          {
            name: "skill_draft",
            input: { command: "create", name: "cut-release", scope: "project", file_text: skillFile },
          },
        ],
      },
      { text: "proposed" },
    );
    const reflected = await e2e.run(["reflect", "--session", sessionId]);
    expect(reflected.code).toBe(0);
    expect(reflected.stdout).toContain("proposed for review: project/release-with-make");
    const request = server.requests.filter(isReflection)[0]!;
    expect(request.normalized.toolNames).toEqual(["memory", "skill_draft"]);
    // Nothing reached the repository: both memories and the skill wait in the inbox.
    expect(existsSync(projectMemory("release-with-make"))).toBe(false);
    expect(existsSync(projectMemory("release-on-fridays"))).toBe(false);
    expect(existsSync(e2e.inProject(".tacit", "skills", "cut-release"))).toBe(false);
    const results = e2e.results().map((result) => result.output);
    expect(results).toHaveLength(3);
    for (const output of results) expect(output).toMatch(/propos/i);

    const listed = await e2e.run(["memory", "inbox"]);
    expect(listed.stdout).toContain("release-with-make");
    expect(listed.stdout).toContain("release-on-fridays");
    expect(listed.stdout).toContain("cut-release");

    const approved = await e2e.run(["memory", "inbox", "approve", "release-with-make"]);
    expect(approved.code).toBe(0);
    expect(existsSync(projectMemory("release-with-make"))).toBe(true);

    const rejected = await e2e.run(["memory", "inbox", "reject", "release-on-fridays", "cut-release"]);
    expect(rejected.code).toBe(0);
    expect(existsSync(projectMemory("release-on-fridays"))).toBe(false);
    expect(existsSync(e2e.inProject(".tacit", "skills", "cut-release"))).toBe(false);
    // The approved memory, and the .gitignore that keeps the scope lock out of the project's git.
    expect(readdirSync(e2e.inProject(".tacit", "memory")).sort()).toEqual([
      ".gitignore",
      "release-with-make.md",
    ]);
    const empty = await e2e.run(["memory", "inbox"]);
    expect(empty.stdout).not.toContain("release-on-fridays");
    expect(empty.stdout).not.toContain("cut-release");
    expect(server.errors).toEqual([]);
  });
});
