import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { runCli } from "./harness.ts";

const PNPM_MEMORY = `---
name: use-pnpm
description: this project uses pnpm, never npm
type: project
---
We use pnpm here, never npm: install packages with \`pnpm add\`, run scripts with \`pnpm run\`.
**Why:** the lockfile is pnpm-lock.yaml; npm would write a second lockfile.
**How to apply:** every install or script command.`;

const EARLY_RETURNS_MEMORY = `---
name: prefer-early-returns
description: the user prefers early returns over nested ifs
type: preference
---
Write guard clauses and early returns instead of nested if blocks.
**Why:** the user finds flat code easier to review.
**How to apply:** any new or edited function with conditions.`;

describe("memory across sessions and models", () => {
  const e2e = e2eFixture();

  it("Monday on Claude stores memories; Tuesday, a new session on GPT starts with them", async () => {
    const { server, workspace } = e2e;
    const claude = e2e.wire("anthropic");
    server.enqueue(
      {
        toolCalls: [
          {
            name: "memory",
            input: { command: "create", path: "/memories/project/use-pnpm.md", file_text: PNPM_MEMORY },
          },
          {
            name: "memory",
            input: {
              command: "create",
              path: "/memories/user/prefer-early-returns.md",
              file_text: EARLY_RETURNS_MEMORY,
            },
          },
        ],
      },
      { text: "Noted: pnpm, and early returns." },
    );
    const monday = await runCli(
      [
        "-p",
        "we use pnpm here, never npm; and I like early returns over nested ifs",
        "--model",
        claude.model,
        // A user-scope write asks, so a headless run needs the user's rule for it.
        "--allowed-tools",
        "Memory(/memories/user/**)",
      ],
      { cwd: workspace.project, env: claude.env },
    );
    expect(monday.stderr).toBe("");
    expect(monday.code).toBe(0);
    expect(server.errors).toEqual([]);
    const mondayToolResults = server.requests
      .at(-1)!
      .normalized.messages.flatMap((message) => message.toolResults);
    expect(mondayToolResults.every((result) => !result.isError)).toBe(true);

    // The files are plain Markdown in their scopes; the user scope is a git repository with a commit.
    const projectFile = path.join(workspace.project, ".tacit", "memory", "use-pnpm.md");
    const userFile = path.join(workspace.home, "memory", "prefer-early-returns.md");
    expect(readFileSync(projectFile, "utf8")).toContain("never npm");
    expect(readFileSync(userFile, "utf8")).toMatch(/source: \S+/);
    expect(existsSync(path.join(workspace.home, "memory", ".git"))).toBe(true);

    // Tuesday: a new session, another provider and wire format.
    const gpt = e2e.wire("openai-responses");
    server.enqueue({ text: "I'll use pnpm add lodash." });
    const before = server.requests.length;
    const tuesday = await runCli(
      [
        "-p",
        "install the lodash package and write a helper",
        "--model",
        gpt.model,
        "--output-format",
        "stream-json",
      ],
      { cwd: workspace.project, env: gpt.env },
    );
    expect(tuesday.code).toBe(0);
    const request = server.requests[before]!;
    expect(request.wire).toBe("openai-responses");
    // Always in context: the index of both memories.
    expect(request.normalized.system).toContain("use-pnpm");
    expect(request.normalized.system).toContain("prefer-early-returns");
    expect(request.normalized.system).toContain("the user prefers early returns over nested ifs");
    // Recalled for this turn: the pnpm memory's body rides with the user's message.
    const userText = request.normalized.messages.at(-1)!.text;
    expect(userText).toContain("install the lodash package");
    expect(userText).toContain("install packages with `pnpm add`");
    expect(request.normalized.toolNames).toContain("memory");
    // …and the user is shown what was recalled and why.
    const events = tuesday.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const recall = events.find((event) => event.type === "system" && event.subtype === "recall");
    expect(recall.items.map((item: { id: string }) => item.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/use-pnpm$/)]),
    );
  });

  it("--no-memory reads and writes nothing of memory", async () => {
    const { server, workspace } = e2e;
    const claude = e2e.wire("anthropic");
    server.enqueue({ text: "ok" });
    const result = await runCli(
      ["-p", "install the lodash package", "--no-memory", "--model", claude.model],
      {
        cwd: workspace.project,
        env: claude.env,
      },
    );
    expect(result.code).toBe(0);
    const request = server.requests.at(-1)!.normalized;
    expect(request.system).not.toContain("use-pnpm");
    expect(request.toolNames).not.toContain("memory");
    expect(request.messages.at(-1)!.text).not.toContain("pnpm add");
  });

  it("with 200 memories stored, a prompt about one topic brings only that memory's body", async () => {
    const { server, workspace } = e2e;
    const folder = path.join(workspace.project, ".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    const topics = [
      "kafka",
      "terraform",
      "graphql",
      "redis",
      "webpack",
      "docker",
      "oauth",
      "pandas",
      "swift",
      "gradle",
    ];
    for (let index = 0; index < 199; index++) {
      const topic = topics[index % topics.length]!;
      writeFileSync(
        path.join(folder, `${topic}-${index}.md`),
        `---\nname: ${topic}-${index}\ndescription: ${topic} detail ${index}\ntype: reference\n---\n${topic} setting ${index} lives in ${topic}.conf.\n`,
      );
    }
    writeFileSync(
      path.join(folder, "release-checklist.md"),
      "---\nname: release-checklist\ndescription: how a release is cut\ntype: project\n---\nBefore tagging a release, bump CHANGELOG.md and run the smoke suite.\n",
    );
    expect(readdirSync(folder).length).toBeGreaterThanOrEqual(200);
    const claude = e2e.wire("anthropic");
    server.enqueue({ text: "ok" });
    const result = await runCli(["-p", "cut a new release and tag it", "--model", claude.model], {
      cwd: workspace.project,
      env: claude.env,
    });
    expect(result.code).toBe(0);
    const sent = server.requests.at(-1)!.normalized.messages.at(-1)!.text;
    expect(sent).toContain("bump CHANGELOG.md and run the smoke suite");
    for (const topic of topics) expect(sent).not.toMatch(new RegExp(`${topic} setting \\d+`));
  });
});
