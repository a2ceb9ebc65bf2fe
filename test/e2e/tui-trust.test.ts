// The TUI's one question about a repository's MCP servers: asked at start, listing the command that
// would run; nothing starts before the answer, "allow always" records trust and starts the server.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("tmux");
const testServer = path.join(import.meta.dirname, "fixtures", "mcp-test-server.ts");

async function waitForFile(file: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (existsSync(file)) return;
    await new Promise((resolve) => setTimeout(resolve, 75));
  }
  throw new Error(`timed out waiting for ${file}\n--- last screen ---\n${terminal.screen()}`);
}

describe.skipIf(!hasTmux)("the TUI's repository trust prompt", () => {
  const e2e = e2eFixture();
  let marker: string;
  beforeAll(() => {
    marker = path.join(e2e.workspace.userHome, "marker-started");
    writeFileSync(
      e2e.inProject(".mcp.json"),
      JSON.stringify({
        mcpServers: { marker: { command: process.execPath, args: [testServer, "marker", marker] } },
      }),
    );
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
  });
  afterAll(() => terminal.kill());

  it("lists the command, starts nothing before the answer, and remembers allow always", async () => {
    const prompt = await terminal.waitFor(/Permission: repository trust/, "the trust prompt");
    expect(prompt.replace(/\s+/g, " ")).toContain("MCP server marker (.mcp.json):");
    expect(existsSync(marker)).toBe(false);
    terminal.keys("2");
    await waitForFile(marker);
    const shown = await e2e.run(["trust", "--show"]);
    expect(shown.stdout).toContain(": trusted.");
    terminal.literal("/exit");
    await new Promise((resolve) => setTimeout(resolve, 150));
    terminal.keys("Enter");
    await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
  }, 60_000);
});
