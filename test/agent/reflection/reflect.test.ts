import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type ReflectionEdit,
  ReflectionError,
  type ReflectionPurpose,
  reflectOn,
} from "../../../src/agent/reflection/reflect.ts";
import { REFLECTION_SYSTEM_PROMPT } from "../../../src/agent/reflection/reflection-prompt.ts";
import { type Message, userMessage } from "../../../src/core/messages.ts";
import { MemoryService } from "../../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../../src/memory/tacit-database.ts";
import { createFauxModel } from "../../../src/providers/faux.ts";
import { defineTool } from "../../../src/tools/define-tool.ts";

const LINTER_MEMORY = [
  "---",
  "name: run-linter-first",
  "description: run the linter before committing",
  "type: preference",
  "---",
  "Run `npm run lint` before every commit.",
  "",
  "**Why:** the user corrected this in session s-1.",
  "",
  "**How to apply:** lint, fix, then commit.",
].join("\n");

const correction: Message[] = [
  userMessage("commit the fix"),
  {
    role: "assistant",
    content: [
      { type: "tool-call", toolCallId: "c1", toolName: "Bash", input: { command: "git commit -am fix" } },
    ],
  },
  {
    role: "tool",
    content: [{ type: "tool-result", toolCallId: "c1", toolName: "Bash", output: "[main 1a2b3c] fix" }],
  },
  userMessage("No: always run the linter before committing."),
  { role: "assistant", content: [{ type: "text", text: "Sorry, I will lint first from now on." }] },
];

describe("reflectOn", () => {
  let root: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let memory: MemoryService;
  const userFolder = () => path.join(root, "home", "memory");
  const userLog = () =>
    execFileSync("git", ["log", "--format=%s"], { cwd: userFolder(), encoding: "utf8" }).trim().split("\n");

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-reflect-"));
    const projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    database = openTacitDatabase(path.join(root, "home", "tacit.db"));
    memory = new MemoryService({ database, home: path.join(root, "home"), projectRoot });
  });
  afterEach(() => {
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("writes what the session teaches through the memory tool, committed as reflection naming the session", async () => {
    const model = createFauxModel(
      [
        {
          toolCalls: [
            {
              toolName: "memory",
              input: {
                command: "create",
                path: "/memories/user/run-linter-first.md",
                file_text: LINTER_MEMORY,
              },
            },
          ],
        },
        { text: "created run-linter-first" },
      ],
      { price: { input: 3, output: 15, cacheRead: 0, cacheWrite: 0 } },
    );
    const outcome = await reflectOn({
      model,
      memory,
      signal: new AbortController().signal,
      sessionLabel: "s-1",
      purpose: "session",
      messages: correction,
    });

    expect(outcome.changes).toEqual(["created user/run-linter-first"]);
    const file = readFileSync(memory.store.filePath("user", "run-linter-first"), "utf8");
    expect(file).toContain("source: s-1");
    expect(userLog()[0]).toBe("reflection: create preference run-linter-first: session s-1");
    // The search index sees it at once, so the next session's recall can find it.
    expect(memory.search("linter committing").map((result) => result.id)).toContain(
      "memory:user/run-linter-first",
    );

    expect(model.requests).toHaveLength(2);
    const first = model.requests[0]!;
    expect(first.system).toBe(REFLECTION_SYSTEM_PROMPT);
    expect(first.tools.map((tool) => tool.name)).toEqual(["memory"]);
    const sent = JSON.stringify(first.messages);
    expect(sent).toContain("[user] No: always run the linter before committing.");
    expect(sent).toContain("→ Bash git commit -am fix");
    expect(sent).toContain("Memory index: no memories yet.");
    expect(outcome.requestInputTokens).toBeGreaterThan(0);
    expect(outcome.usage.inputTokens).toBeGreaterThan(outcome.requestInputTokens);
    expect(outcome.costUsd).toBeGreaterThan(0);
  });

  it("sends the memory index, the bodies of touched memories and the user's edits", async () => {
    await memory.store.update("user", "use-tabs", () => ({
      name: "use-tabs",
      description: "indent with tabs",
      type: "preference",
      body: "Indent with tabs, width 4.",
    }));
    const model = createFauxModel([{ text: "nothing to keep" }]);
    const purpose: ReflectionPurpose = "edits";
    const userEdits: ReflectionEdit[] = [
      { path: "src/user.ts", diff: "-function getUser() {\n+const fetchUser = async () => {" },
    ];
    const outcome = await reflectOn({
      model,
      memory,
      signal: new AbortController().signal,
      sessionLabel: "s-2",
      purpose,
      messages: [userMessage("tidy the imports")],
      touchedMemories: ["user/use-tabs", "user/vanished", "nonsense"],
      userEdits,
    });
    expect(outcome.changes).toEqual([]);
    const sent = JSON.stringify(model.requests[0]!.messages);
    expect(sent).toContain("- use-tabs [preference]: indent with tabs");
    expect(sent).toContain("/memories/user/use-tabs.md:");
    expect(sent).toContain("Indent with tabs, width 4.");
    expect(sent).not.toContain("vanished");
    expect(sent).toContain("The user changed your work like this");
    expect(sent).toContain("+const fetchUser = async () => {");
  });

  it("in a dry run reports what it would change, shows the model its own writes, and changes nothing", async () => {
    const model = createFauxModel([
      {
        toolCalls: [
          {
            toolName: "memory",
            input: {
              command: "create",
              path: "/memories/user/run-linter-first.md",
              file_text: LINTER_MEMORY,
            },
          },
        ],
      },
      {
        toolCalls: [
          { toolName: "memory", input: { command: "view", path: "/memories/user/run-linter-first.md" } },
        ],
      },
      { text: "done" },
    ]);
    const outcome = await reflectOn({
      model,
      memory,
      signal: new AbortController().signal,
      sessionLabel: "s-3",
      purpose: "session",
      messages: correction,
      dryRun: true,
    });
    expect(outcome.changes).toEqual(["would have created user/run-linter-first"]);
    expect(existsSync(memory.store.filePath("user", "run-linter-first"))).toBe(false);
    expect(existsSync(path.join(userFolder(), ".git")) ? userLog().join("\n") : "").not.toContain(
      "reflection:",
    );
    const viewed = JSON.stringify(model.requests[2]!.messages.at(-1));
    expect(viewed).toContain("Run `npm run lint` before every commit.");
  });

  it("may use the extra tools it is given, and nothing else", async () => {
    let drafted = "";
    const draftSkill = defineTool({
      name: "draft_skill",
      description: "drafts a skill",
      inputSchema: z.object({ name: z.string() }),
      readOnly: false,
      permission: () => ({ kind: "none" }),
      execute: async (input) => {
        drafted = input.name;
        return { output: "drafted" };
      },
    });
    const model = createFauxModel([
      {
        toolCalls: [
          { toolName: "draft_skill", input: { name: "release" } },
          { toolName: "Bash", input: { command: "rm -rf /" } },
        ],
      },
      { text: "done" },
    ]);
    await reflectOn({
      model,
      memory,
      signal: new AbortController().signal,
      sessionLabel: "s-4",
      purpose: "session",
      messages: correction,
      extraTools: [draftSkill],
    });
    expect(drafted).toBe("release");
    expect(model.requests[0]!.tools.map((tool) => tool.name)).toEqual(["memory", "draft_skill"]);
    const results = JSON.stringify(model.requests[1]!.messages.at(-1));
    expect(results).toContain('Unknown tool \\"Bash\\"');
  });

  it("throws when the model fails, keeping what it spent", async () => {
    const model = createFauxModel([{ error: new Error("invalid x-api-key") }]);
    const failure = await reflectOn({
      model,
      memory,
      signal: new AbortController().signal,
      sessionLabel: "s-5",
      purpose: "session",
      messages: correction,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReflectionError);
    expect((failure as ReflectionError).message).toContain("invalid x-api-key");
  });
});
