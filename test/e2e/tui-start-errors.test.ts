// The TUI draws its prompt before the runtime loads; when the runtime cannot
// start, tacit must still leave with the same one-line error as headless runs.
import { afterAll, describe, expect, it } from "vitest";
import { createWorkspace } from "./harness.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

describe.skipIf(!hasTmux)("the TUI when it cannot start", () => {
  const terminal = new TmuxTerminal("start");
  const workspace = createWorkspace();
  afterAll(() => {
    terminal.kill();
    workspace.cleanup();
  });

  it("exits 1 with one line naming the missing key", async () => {
    terminal.launch(workspace, { HOME: workspace.userHome, TACIT_HOME: workspace.home }, [
      "--model",
      "anthropic/claude-sonnet-4-5",
    ]);
    const screen = await terminal.waitFor(/__TACIT_EXITED_/, "the process to exit");
    expect(screen, screen).toContain("__TACIT_EXITED_1__");
    expect(screen).toMatch(/tacit: no API key for anthropic: set ANTHROPIC_API_KEY/);
  });
});
