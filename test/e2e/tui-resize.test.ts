// A narrower terminal re-wraps what is on screen; the TUI must redraw cleanly
// (one prompt box, the conversation still there), not leave broken frames.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { createWorkspace, type Workspace } from "./harness.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

describe.skipIf(!hasTmux)("the TUI on a resized terminal", () => {
  const terminal = new TmuxTerminal("resize");
  let server: FakeServer;
  let workspace: Workspace;
  beforeAll(async () => {
    server = await startFakeServer();
    workspace = createWorkspace();
  });
  afterAll(async () => {
    terminal.kill();
    await server.close();
    workspace.cleanup();
  });

  it("redraws once, at the new width, keeping the conversation", async () => {
    server.enqueue({ text: "The answer is forty-two, and it wraps on a narrow terminal for sure." });
    terminal.launch(
      workspace,
      {
        HOME: workspace.userHome,
        TACIT_HOME: workspace.home,
        ANTHROPIC_BASE_URL: server.url,
        ANTHROPIC_API_KEY: "test-key",
      },
      ["--model", "anthropic/claude-sonnet-4-5"],
      { columns: 80, rows: 24 },
    );
    await terminal.waitFor(/Ask anything/, "the prompt");
    terminal.literal("what is the answer?");
    terminal.keys("Enter");
    await terminal.waitFor(/forty-two[\s\S]*Ask anything/, "the answer");

    terminal.tmux("resize-window", "-t", "tacit", "-x", "50", "-y", "24");
    // Until the redraw, the terminal shows the old frame re-wrapped (a box border broken over
    // two lines); the redrawn screen has the whole box within 50 columns and the conversation.
    const narrow = await terminal.waitFor(
      /what is the answer\?[\s\S]*forty-two[\s\S]*\n╭─{48}╮\n│ ❯ {2}Ask anything/,
      "a clean redraw at 50 columns",
    );
    expect(narrow.match(/Ask anything/g)).toHaveLength(1);
  });
});
