// /memory inbox in the built CLI's TUI, in a real terminal (tmux): reflection's proposals are
// announced at start, listed, shown with their diff, approved into .tacit/memory or rejected.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { inboxOf, projectMemoryFile, reflectWith } from "./reflection-proposals.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("inbox");

const typeLine = (text: string) => terminal.typeLine(text);

describe.skipIf(!hasTmux)("/memory inbox in a real terminal (tmux)", () => {
  const e2e = e2eFixture();
  const projectMemory = (name: string) => e2e.inProject(".tacit", "memory", `${name}.md`);

  beforeAll(async () => {
    await reflectWith(e2e.workspace, [
      {
        command: "create",
        path: "/memories/project/use-pnpm.md",
        file_text: projectMemoryFile("use-pnpm", "This repository uses pnpm", "Use pnpm, never npm."),
      },
      {
        command: "create",
        path: "/memories/project/tabs.md",
        file_text: projectMemoryFile("tabs", "Makefiles use tabs", "Tabs in Makefiles."),
      },
    ]);
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model], { columns: 110, rows: 40 });
  });
  afterAll(() => terminal.kill());

  it("announces the proposals, approves one into .tacit/memory and rejects the other", async () => {
    await terminal.waitFor(
      /2 proposed project memories waiting for review: tacit memory inbox/,
      "the start-up line",
    );
    await typeLine("/memory inbox");
    await terminal.waitFor(/Review inbox · 2 proposals/, "the inbox picker");
    expect(terminal.screen()).toMatch(/use-pnpm.*project · new memory · session session-reflected/);

    // Filter to one proposal, open it: its file and the note that approving creates it, then approve.
    terminal.literal("use-pnpm");
    await terminal.waitFor(/Review inbox[\s\S]*use-pnpm/, "the filtered list");
    terminal.keys("Enter");
    await terminal.waitFor(/Proposal use-pnpm/, "the proposal's actions");
    const shown = terminal.screen();
    expect(shown).toContain("--- proposed .tacit/memory/use-pnpm.md ---");
    expect(shown).toContain("Use pnpm, never npm.");
    expect(shown).toContain("no current file: approving creates it");
    expect(existsSync(projectMemory("use-pnpm"))).toBe(false);
    terminal.keys("Enter");
    await terminal.waitFor(/Approved project\/use-pnpm: created project\/use-pnpm/, "the approval");
    expect(readFileSync(projectMemory("use-pnpm"), "utf8")).toContain("Use pnpm, never npm.");

    // The list opens again with the one left: reject it.
    await terminal.waitFor(/Review inbox · 1 proposal\b/, "the inbox again");
    terminal.keys("Enter");
    await terminal.waitFor(/Proposal tabs/, "the second proposal's actions");
    terminal.keys("Down");
    await new Promise((resolve) => setTimeout(resolve, 150));
    terminal.keys("Enter");
    await terminal.waitFor(/Rejected project\/tabs; nothing changed\./, "the rejection");
    expect(existsSync(projectMemory("tabs"))).toBe(false);
    expect(readdirSync(inboxOf(e2e.workspace).folder)).toEqual([]);

    await typeLine("/memory inbox");
    await terminal.waitFor(/No proposals waiting for review\./, "the empty inbox");
    await typeLine("/exit");
    await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
  }, 90_000);
});
