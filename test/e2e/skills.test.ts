import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const BODY = "Release steps: bump the version, tag it, then run the release script (SECRET-STEP-42).";

describe("skills", () => {
  const e2e = e2eFixture();

  beforeAll(() => {
    const folder = e2e.inProject(".tacit", "skills", "release");
    mkdirSync(path.join(folder, "scripts"), { recursive: true });
    writeFileSync(
      path.join(folder, "SKILL.md"),
      `---\nname: release\ndescription: How to cut a release of this project\nlicense: MIT\n---\n\n${BODY}\n`,
    );
    writeFileSync(path.join(folder, "scripts", "release.sh"), "echo releasing\n");
  });

  it("puts names and descriptions in the system prompt, and the skill tool loads the body", async () => {
    const { server } = e2e;
    server.enqueue(
      { toolCalls: [{ name: "skill", input: { name: "release" } }] },
      { toolCalls: [{ name: "skill", input: { name: "release", file: "scripts/release.sh" } }] },
      { text: "Done." },
    );
    const before = server.requests.length;
    const result = await e2e.print("cut a release");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const first = server.requests[before]!.normalized;
    expect(first.system).toContain("# Skills");
    expect(first.system).toContain("- release: How to cut a release of this project");
    expect(first.system).not.toContain("SECRET-STEP-42");
    expect(first.toolNames).toContain("skill");
    const results = e2e.results();
    expect(results[0]!.isError).toBe(false);
    expect(results[0]!.output).toContain(BODY);
    expect(results[0]!.output).toContain("scripts/release.sh");
    expect(results[1]!.output).toContain("echo releasing");
  });

  it("offers the skill tool to a GPT model too", async () => {
    const { server } = e2e;
    server.enqueue({ text: "Hi." });
    const result = await e2e.print("hello", [], { wire: "openai-responses" });
    expect(result.code).toBe(0);
    expect(server.requests.at(-1)!.normalized.toolNames).toContain("skill");
  });

  it("lists and shows skills from the command line", async () => {
    const list = await e2e.run(["skills", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("release  (project, ");
    expect(list.stdout).toContain("How to cut a release of this project");
    const show = await e2e.run(["skills", "show", "release"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("license: MIT");
    expect(show.stdout).toContain(BODY);
    expect(show.stdout).toContain("scripts/release.sh");
    const missing = await e2e.run(["skills", "show", "nope"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no skill "nope"');
  });
});
