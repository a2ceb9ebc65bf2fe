// A narrower terminal re-wraps what is on screen; the TUI must redraw cleanly
// (one prompt box, the conversation still there), not leave broken frames.
import { afterAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

describe.skipIf(!hasTmux)("the TUI on a resized terminal", () => {
  const terminal = new TmuxTerminal("resize");
  const e2e = e2eFixture();
  afterAll(() => terminal.kill());

  it("redraws once, at the new width, keeping the conversation", async () => {
    e2e.server.enqueue({ text: "The answer is forty-two, and it wraps on a narrow terminal for sure." });
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model], { columns: 80, rows: 24 });
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
