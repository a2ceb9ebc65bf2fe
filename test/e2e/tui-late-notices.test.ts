// Notices raised after the TUI's first frame (an MCP server that did not start, the answer "don't trust")
// reach the screen as notices, once each: they used to land in the start-up list nothing showed again.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const testServer = path.join(import.meta.dirname, "fixtures", "mcp-test-server.ts");

async function exit(terminal: TmuxTerminal): Promise<void> {
  terminal.literal("/exit");
  await new Promise((resolve) => setTimeout(resolve, 150));
  terminal.keys("Enter");
  await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
}

const count = (screen: string, text: string) => screen.split(text).length - 1;

describe.skipIf(!hasTmux)("notices raised after the TUI started", () => {
  const terminal = new TmuxTerminal("late-notices");
  const e2e = e2eFixture();
  afterAll(() => terminal.kill());

  it("shows a user MCP server that did not start, once", async () => {
    e2e.writeUserSettings({ mcpServers: { mine: { command: "/nonexistent-cmd" } } });
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
    const screen = await terminal.waitFor(/MCP server "mine" did not start/, "the MCP notice");
    expect(count(screen.replace(/\s+/g, " "), 'MCP server "mine" did not start')).toBe(1);
    await exit(terminal);
  }, 60_000);
});

describe.skipIf(!hasTmux)("the answer don't trust", () => {
  const terminal = new TmuxTerminal("late-untrusted");
  const e2e = e2eFixture();
  afterAll(() => terminal.kill());

  it("is followed by the line saying the repository's servers and hooks do not run", async () => {
    writeFileSync(
      e2e.inProject(".mcp.json"),
      JSON.stringify({
        mcpServers: { marker: { command: process.execPath, args: [testServer, "marker", "/dev/null"] } },
      }),
    );
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
    await terminal.waitFor(/Enter confirm · Esc don't trust/, "the question to take keys");
    terminal.keys("Escape");
    await terminal.waitFor(/MCP servers and hooks do not run/, "the untrusted notice");
    await exit(terminal);
  }, 60_000);
});
