// The TUI's one question about a repository's MCP servers: asked at start, listing the command that
// would run; nothing starts before the answer, "trust always" records trust and starts the server.
// Typing ahead (a first prompt typed while tacit starts) never answers it.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const testServer = path.join(import.meta.dirname, "fixtures", "mcp-test-server.ts");
const ARMED = /Enter confirm · Esc don't trust/;

async function waitForFile(terminal: TmuxTerminal, file: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (existsSync(file)) return;
    await new Promise((resolve) => setTimeout(resolve, 75));
  }
  throw new Error(`timed out waiting for ${file}\n--- last screen ---\n${terminal.screen()}`);
}

/** A project whose .mcp.json names a server that leaves a marker file when it starts. */
function trustFixture(name: string) {
  const terminal = new TmuxTerminal(name);
  const e2e = e2eFixture();
  const paths = { marker: "" };
  beforeAll(() => {
    paths.marker = path.join(e2e.workspace.userHome, "marker-started");
    writeFileSync(
      e2e.inProject(".mcp.json"),
      JSON.stringify({
        mcpServers: { marker: { command: process.execPath, args: [testServer, "marker", paths.marker] } },
      }),
    );
  });
  afterAll(() => terminal.kill());
  return { terminal, e2e, paths };
}

async function exit(terminal: TmuxTerminal): Promise<void> {
  terminal.literal("/exit");
  await new Promise((resolve) => setTimeout(resolve, 150));
  terminal.keys("Enter");
  await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
}

describe.skipIf(!hasTmux)("the TUI's repository trust prompt", () => {
  const { terminal, e2e, paths } = trustFixture("trust");

  it("lists the command in its own words, starts nothing before the answer, and remembers trust always", async () => {
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
    const prompt = await terminal.waitFor(/Trust this repository\?/, "the trust prompt");
    const flat = prompt.replace(/\s+/g, " ");
    expect(flat).toContain("MCP server marker (.mcp.json):");
    expect(flat).toContain("Don't trust: start without them");
    // Digits type into the prompt here, so the choices carry no numbers that look like keys.
    expect(flat).not.toMatch(/\d\. (Trust|Don't)/);
    expect(flat).not.toContain("tell the model");
    expect(existsSync(paths.marker)).toBe(false);
    await terminal.waitFor(ARMED, "the question to take keys");
    terminal.keys("Up");
    await terminal.waitFor(/❯ Trust always/, "the choice to move");
    terminal.keys("Enter");
    await waitForFile(terminal, paths.marker);
    const shown = await e2e.run(["trust", "--show"]);
    expect(shown.stdout).toContain(": trusted.");
    await exit(terminal);
  }, 60_000);
});

describe.skipIf(!hasTmux)("typing ahead at the trust prompt", () => {
  const { terminal, e2e, paths } = trustFixture("trust-ahead");

  it("a first prompt typed while tacit starts, leading digit and all, goes to the editor and trusts nothing", async () => {
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
    // As the reviewer did: typed the moment anything is on screen, so it lands before or on the question.
    await terminal.waitFor(/Ask anything|Trust this repository\?/, "the first frame");
    terminal.literal("2 tests are failing");
    await terminal.waitFor(/Trust this repository\?/, "the trust prompt");
    terminal.literal("1");
    await terminal.waitFor(ARMED, "the question to take keys");
    terminal.literal("3");
    const screen = await terminal.waitFor(/your prompt: 2 tests are failing13/, "the typed text kept");
    expect(screen).toMatch(/❯ Don't trust/);
    const shown = await e2e.run(["trust", "--show"]);
    expect(shown.stdout).not.toContain(": trusted.");
    expect(existsSync(paths.marker)).toBe(false);
    terminal.keys("Escape");
    await terminal.waitFor(/❯ 2 tests are failing13/, "the typed text back in the editor");
    // An Enter typed before the question could take keys was not an answer, nor did it send the prompt: said.
    await terminal.waitFor(/prompt you typed is still in the editor/, "the note that it waits");
    expect(existsSync(paths.marker)).toBe(false);
    expect((await e2e.run(["trust", "--show"])).stdout).not.toContain(": trusted.");
    terminal.keys("C-u");
    await exit(terminal);
  }, 60_000);
});

describe.skipIf(!hasTmux)("a paste at the trust prompt, without bracketed paste", () => {
  const { terminal, e2e, paths } = trustFixture("trust-paste");

  it("answers nothing, even an arrow and Enter (one key at a time answers)", async () => {
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
    await terminal.waitFor(ARMED, "the question to take keys");
    // Up then Enter in one chunk, as a terminal sends a paste it does not bracket (no -p).
    terminal.tmux("set-buffer", "\u001b[A\r");
    terminal.tmux("paste-buffer", "-t", "tacit");
    // A key typed after it shows the paste was taken: the question is still there.
    terminal.literal("x");
    expect(await terminal.waitFor(/your prompt: x/, "the key after the paste")).toMatch(
      /Trust this repository\?/,
    );
    expect((await e2e.run(["trust", "--show"])).stdout).not.toContain(": trusted.");
    expect(existsSync(paths.marker)).toBe(false);
    terminal.keys("Escape");
    await terminal.waitFor(/MCP servers and hooks do not run/, "the answer don't trust");
    terminal.keys("C-u");
    await exit(terminal);
  }, 60_000);
});
