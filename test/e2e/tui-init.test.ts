// /init in the real TUI, inside tmux, against the fake model server: the line on screen is short, the
// request carries the survey, the memory lands in .tacit/memory, and a notice says what changed.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("init");

const COMMANDS_MEMORY =
  "---\nname: test-commands\ndescription: Tests run with npm test\ntype: reference\n---\n\n`npm test` runs vitest.\n";

describe.skipIf(!hasTmux)("/init in the TUI (tmux)", () => {
  const e2e = e2eFixture();
  beforeAll(() => {
    writeFileSync(
      e2e.inProject("package.json"),
      JSON.stringify({ name: "tiny", scripts: { test: "vitest run" } }),
    );
    writeFileSync(e2e.inProject("README.md"), "# tiny\n\nA tiny fixture project.\n");
    mkdirSync(e2e.inProject("src"), { recursive: true });
    writeFileSync(e2e.inProject("src", "main.ts"), "export {};\n");
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
  });
  afterAll(() => terminal.kill());

  it("runs as a turn with the survey and init's tools, writes project memory and says so", async () => {
    await terminal.waitFor(/❯/, "the input prompt");
    e2e.server.enqueue(
      {
        toolCalls: [
          {
            name: "memory",
            input: {
              command: "create",
              path: "/memories/project/test-commands.md",
              file_text: COMMANDS_MEMORY,
            },
          },
        ],
      },
      { text: "Saved test-commands. Shall I write an AGENTS.md from it?" },
    );
    const before = e2e.server.requests.length;
    terminal.literal("/init the tests");
    await new Promise((resolve) => setTimeout(resolve, 150));
    terminal.keys("Enter");
    await terminal.waitFor(/Shall I write an AGENTS\.md/, "the model's closing offer");
    await terminal.waitFor(/init: created project\/test-commands/, "the notice of what init wrote");
    expect(terminal.screen()).toContain("Study this repository and save what you learn as project memories");
    expect(terminal.screen()).not.toContain("# Repository survey");

    const first = e2e.server.requests[before]!.normalized;
    const sent = first.messages.at(-1)!.text;
    expect(sent).toContain("# Repository survey");
    expect(sent).toContain("A tiny fixture project.");
    expect(sent).toContain("Pay particular attention to: the tests");
    expect(first.toolNames).toContain("memory");
    expect(first.toolNames).not.toContain("Bash");
    expect(first.toolNames).not.toContain("Write");
    expect(existsSync(path.join(e2e.inProject(".tacit", "memory"), "test-commands.md"))).toBe(true);

    // The next turn is an ordinary one again: the session's own tools are back.
    e2e.server.enqueue({ text: "Not now, then." });
    terminal.literal("no thanks");
    await new Promise((resolve) => setTimeout(resolve, 150));
    terminal.keys("Enter");
    await terminal.waitFor(/Not now, then\./, "the answer to the next turn");
    expect(e2e.server.requests.at(-1)!.normalized.toolNames).toContain("Bash");
  });
});
