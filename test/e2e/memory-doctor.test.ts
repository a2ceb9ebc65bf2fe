import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git } from "../memory/store/helpers.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture({ perTest: true });

const userFolder = () => path.join(e2e.workspace.home, "memory");
const projectFolder = () => path.join(e2e.workspace.project, ".tacit", "memory");

async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await e2e.run(args, { env });
  if (result.code !== 0) throw new Error(`tacit ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** Two copies of one fact, a contradiction and a stale memory, as a user would have them. */
async function plantTroubles(): Promise<void> {
  const remember = (name: string, text: string) => ok(["remember", "--scope", "user", "--name", name, text]);
  await remember(
    "test-command",
    "Run the unit tests with npx vitest run; the whole suite takes about a minute.",
  );
  await remember(
    "how-to-run-tests",
    "The unit tests run with npx vitest run, about a minute for the whole suite.",
  );
  await remember("package-manager", "use npm");
  await remember("pnpm-only", "never use npm, use pnpm");
  mkdirSync(projectFolder(), { recursive: true });
  writeFileSync(
    path.join(projectFolder(), "parser-home.md"),
    "---\nname: parser-home\ndescription: Where the config parser lives\ntype: project\n---\n\nThe parser is in `src/zeppelin/parser.ts`.\n",
  );
}

const MERGED = `---
name: how-to-run-tests
description: Run the unit tests with npx vitest run (about a minute)
type: preference
---

Run the unit tests with \`npx vitest run\`; the whole suite takes about a minute.`;

describe("tacit memory doctor", () => {
  it("reports planted duplicates, a contradiction and a stale memory", async () => {
    await plantTroubles();
    const report = await ok(["memory", "doctor"]);
    expect(report).toMatch(
      /Duplicates:\n {2}user\/(test-command|how-to-run-tests), user\/(test-command|how-to-run-tests): 2 memories/,
    );
    expect(report).toContain('Contradictions:\n  user/package-manager, user/pnpm-only: about "npm"');
    expect(report).toContain(
      "Stale (paths that vanished):\n  project/parser-home: names src/zeppelin/parser.ts",
    );
    expect(report).toContain("3 findings in 5 memories.");

    const json = JSON.parse(await ok(["memory", "doctor", "--json"]));
    expect(json.findings.map((finding: { kind: string }) => finding.kind)).toEqual([
      "duplicate",
      "contradiction",
      "stale",
    ]);
  });

  it("--fix merges the duplicates through the model in one commit, settles the contradiction and proposes retiring the stale one", async () => {
    await plantTroubles();
    const before = Number(git(userFolder(), ["rev-list", "--count", "HEAD"]).trim());
    const requestsBefore = e2e.server.requests.length;
    e2e.server.enqueue({ text: MERGED });
    e2e.server.enqueue({ text: "KEEP 2" });

    const output = await ok(["memory", "doctor", "--fix", "--model", e2e.model]);

    // The memory kept is the one written last; the model's text becomes it.
    expect(output).toContain("merged user/test-command into user/how-to-run-tests");
    expect(output).toContain("retired user/package-manager");
    expect(output).toContain("proposed retiring project/parser-home");
    expect(e2e.server.requests).toHaveLength(requestsBefore + 2);
    expect(e2e.server.requests[requestsBefore]!.normalized.messages[0]!.text).toContain(
      "say nearly the same thing",
    );
    const memories = readdirSync(userFolder())
      .filter((name) => name.endsWith(".md"))
      .sort();
    expect(memories).toEqual(["how-to-run-tests.md", "pnpm-only.md"]);
    expect(readFileSync(path.join(userFolder(), "how-to-run-tests.md"), "utf8")).toContain(
      "description: Run the unit tests with npx vitest run (about a minute)",
    );
    // One commit wrote the merged memory and removed the copy; one more retired the contradicted one.
    const log = git(userFolder(), ["log", "--format=%s", `-${2}`])
      .trim()
      .split("\n");
    expect(log).toEqual([
      'doctor: forget package-manager: retired: user/pnpm-only holds about "npm"',
      "doctor: merge test-command into how-to-run-tests: they said nearly the same thing",
    ]);
    expect(Number(git(userFolder(), ["rev-list", "--count", "HEAD"]).trim())).toBe(before + 2);
    const merge = git(userFolder(), ["show", "--name-status", "--format=", "HEAD~1"])
      .trim()
      .split("\n")
      .sort();
    expect(merge).toEqual(["D\ttest-command.md", "M\thow-to-run-tests.md"]);
    // The project memory waits for review; the file is still there.
    expect(readdirSync(projectFolder())).toContain("parser-home.md");
    expect(await ok(["memory", "inbox"])).toContain("parser-home");

    expect(await ok(["memory", "doctor"])).toContain("project/parser-home");
  });

  it("--fix without a model does what needs none and says what it skipped", async () => {
    await plantTroubles();
    const requestsBefore = e2e.server.requests.length;
    const output = await ok(["memory", "doctor", "--fix"], {
      ANTHROPIC_API_KEY: "",
      OPENAI_API_KEY: "",
      GOOGLE_GENERATIVE_AI_API_KEY: "",
      TACIT_MODEL: "",
    });
    expect(output).toMatch(/skipped duplicate user\/\S+, user\/\S+: settling it needs a model/);
    expect(output).toContain(
      "skipped contradiction user/package-manager, user/pnpm-only: settling it needs a model",
    );
    expect(output).toContain("proposed retiring project/parser-home");
    expect(e2e.server.requests).toHaveLength(requestsBefore);
  });
});
