import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importReflection } from "../../../src/agent/import/import-reflection.ts";
import { emptyTotals } from "../../../src/agent/import/learn-from-agent.ts";
import { learnNotes } from "../../../src/agent/import/learn-notes.ts";
import { messageText } from "../../../src/core/messages.ts";
import { createFauxModel } from "../../../src/providers/faux.ts";
import { claudeCodeProjectFolder } from "../../../src/session/transcripts/claude-code-files.ts";
import { findClaudeCodeNotes } from "../../../src/session/transcripts/claude-code-memory.ts";
import { ImportLedger } from "../../../src/session/transcripts/import-ledger.ts";
import { memoryWorkspace } from "./memory-workspace.ts";

describe("Claude Code's auto-workspace.memory notes", () => {
  const workspace = memoryWorkspace();
  it("are offered whole, in pieces the digest keeps, and again only when a file changed", async () => {
    const claudeHome = path.join(workspace.root, "claude");
    const folder = path.join(
      claudeHome,
      "projects",
      claudeCodeProjectFolder(workspace.projectRoot),
      "memory",
    );
    mkdirSync(folder, { recursive: true });
    const facts = Array.from(
      { length: 300 },
      (_, index) => `- fact ${index}: ${"a note Claude Code kept ".repeat(4)}`,
    );
    writeFileSync(path.join(folder, "MEMORY.md"), "- [Facts](facts.md) — what this project taught\n");
    writeFileSync(path.join(folder, "facts.md"), `${facts.join("\n")}\n`);
    const find = () => findClaudeCodeNotes({ claudeHome, projectRoot: workspace.projectRoot, sessions: [] });
    const ledger = new ImportLedger(workspace.database);
    const model = createFauxModel(Array.from({ length: 12 }, () => ({ text: "nothing to keep" })));
    const learn = importReflection({ model, memory: workspace.memory, signal: new AbortController().signal });

    const totals = emptyTotals();
    await learnNotes(find(), { ledger, learn }, totals);
    expect(model.requests.length).toBeGreaterThan(1);
    const sent = model.requests.map((request) => messageText(request.messages[0]!));
    expect(sent.join("\n")).not.toContain("more characters");
    for (let index = 0; index < facts.length; index++) {
      expect(sent.some((request) => request.includes(`fact ${index}:`))).toBe(true);
    }
    expect(totals.reports[0]).toMatchObject({
      label: expect.stringMatching(/^claude-code:memory:-/),
      outcome: "learned",
    });

    const requests = model.requests.length;
    await learnNotes(find(), { ledger, learn }, emptyTotals());
    expect(model.requests.length).toBe(requests);
    writeFileSync(path.join(folder, "MEMORY.md"), "- [Facts](facts.md) — and a new line\n");
    await learnNotes(find(), { ledger, learn }, emptyTotals());
    expect(model.requests.length).toBe(requests + 1);
    const changed = messageText(model.requests.at(-1)!.messages[0]!);
    expect(changed).toContain("and a new line");
    expect(changed).not.toContain("fact 0:");
  });

  it("from another project's folder (--all-projects) may only become user memories", async () => {
    const claudeHome = path.join(workspace.root, "claude");
    const otherFolder = path.join(claudeHome, "projects", "-srv-other-private-project");
    mkdirSync(path.join(otherFolder, "memory"), { recursive: true });
    writeFileSync(path.join(otherFolder, "memory", "MEMORY.md"), "- builds on build.corp-x.internal\n");
    const notes = findClaudeCodeNotes({
      claudeHome,
      projectRoot: workspace.projectRoot,
      allProjects: true,
      sessions: [],
    });
    expect(notes.map((each) => each.inProject)).toEqual([false]);
    const file = "---\nname: corp-x\ndescription: builds on corp-x\ntype: project\n---\ncorp-x\n";
    const model = createFauxModel([
      {
        toolCalls: [
          {
            toolName: "memory",
            input: { command: "create", path: "/memories/project/corp-x.md", file_text: file },
          },
        ],
      },
      { text: "nothing to keep" },
    ]);
    const learn = importReflection({ model, memory: workspace.memory, signal: new AbortController().signal });
    const totals = emptyTotals();
    await learnNotes(notes, { ledger: new ImportLedger(workspace.database), learn }, totals);
    expect(messageText(model.requests[0]!.messages[0]!)).toContain(
      `It ran in another project (${otherFolder})`,
    );
    expect(JSON.stringify(model.requests[1]!.messages.at(-1))).toContain(
      `this session was in another project (${otherFolder}): only /memories/user applies here`,
    );
    expect(workspace.memory.store.list("project")).toEqual([]);
    expect(totals.reports[0]).toMatchObject({ outcome: "learned", changes: [] });
  });
});
