// The TUI draws its prompt before the runtime loads; when the runtime cannot
// start, tacit must still leave with the same one-line error as headless runs,
// and with the start-up warnings found before it (they would be notices had it started).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";
import { workspaceFixture } from "./workspace-fixture.ts";

describe.skipIf(!hasTmux)("the TUI when it cannot start", () => {
  const terminals: TmuxTerminal[] = [];
  const files = workspaceFixture();
  afterAll(() => {
    for (const terminal of terminals) terminal.kill();
  });

  /** Runs the TUI with no API key until it exits; the screen, wide enough that no line wraps. */
  async function startWithoutKey(name: string): Promise<string> {
    const terminal = new TmuxTerminal(name);
    terminals.push(terminal);
    terminal.launch(files.workspace, files.env, ["--model", "anthropic/claude-sonnet-5"], {
      columns: 220,
      rows: 30,
    });
    return await terminal.waitFor(/__TACIT_EXITED_/, "the process to exit");
  }

  it("exits 1 with one line naming the missing key", async () => {
    const screen = await startWithoutKey("start");
    expect(screen, screen).toContain("__TACIT_EXITED_1__");
    expect(screen).toMatch(/tacit: no API key for anthropic: set ANTHROPIC_API_KEY/);
  });

  it("prints the settings warnings found before the error, then the error", async () => {
    const settings = files.inProject(".tacit", "settings.json");
    mkdirSync(path.dirname(settings), { recursive: true });
    writeFileSync(settings, JSON.stringify({ modle: "openai/gpt-5" }));
    const screen = await startWithoutKey("warn");
    const flat = screen.replace(/\s+/g, " ");
    const warningAt = flat.indexOf(
      `tacit: warning: unknown setting "modle" in ${settings} — did you mean "model"?`,
    );
    expect(warningAt, screen).toBeGreaterThanOrEqual(0);
    expect(flat.indexOf("tacit: no API key for anthropic"), screen).toBeGreaterThan(warningAt);
  });
});
