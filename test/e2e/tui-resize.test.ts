// A narrower terminal re-wraps what is on screen; the TUI must redraw cleanly
// (one prompt box, the conversation still there), not leave broken frames.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { cliPath, createWorkspace, type Workspace } from "./harness.ts";

const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
const socket = `tacit-e2e-resize-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

async function waitForScreen(predicate: (screen: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let screen = "";
  while (Date.now() < deadline) {
    screen = tmux("capture-pane", "-p", "-t", "resize");
    if (predicate(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}\n--- last screen ---\n${screen}`);
}

describe.skipIf(!hasTmux)("the TUI on a resized terminal", () => {
  let server: FakeServer;
  let workspace: Workspace;
  beforeAll(async () => {
    server = await startFakeServer();
    workspace = createWorkspace();
  });
  afterAll(async () => {
    spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
    await server.close();
    workspace.cleanup();
  });

  it("redraws once, at the new width, keeping the conversation", async () => {
    server.enqueue({ text: "The answer is forty-two, and it wraps on a narrow terminal for sure." });
    const environment = [
      `PATH=${quote(process.env.PATH ?? "/usr/bin:/bin")}`,
      `HOME=${quote(workspace.userHome)}`,
      "TERM=xterm-256color",
      `TACIT_HOME=${quote(workspace.home)}`,
      `ANTHROPIC_BASE_URL=${quote(server.url)}`,
      "ANTHROPIC_API_KEY=test-key",
    ].join(" ");
    const launcher = path.join(workspace.project, "..", "launch-resize.sh");
    writeFileSync(
      launcher,
      `env -i ${environment} ${quote(process.execPath)} ${quote(cliPath)} --model anthropic/claude-sonnet-4-5\n`,
    );
    tmux(
      "new-session",
      "-d",
      "-s",
      "resize",
      "-x",
      "80",
      "-y",
      "24",
      "-c",
      workspace.project,
      `sh ${launcher}`,
    );
    await waitForScreen((screen) => /Ask anything/.test(screen), "the prompt");
    tmux("send-keys", "-t", "resize", "-l", "what is the answer?");
    await new Promise((resolve) => setTimeout(resolve, 150));
    tmux("send-keys", "-t", "resize", "Enter");
    await waitForScreen((screen) => /forty-two/.test(screen) && /Ask anything/.test(screen), "the answer");

    tmux("resize-window", "-t", "resize", "-x", "50", "-y", "24");
    const narrow = await waitForScreen(
      (screen) => (screen.match(/Ask anything/g) ?? []).length === 1 && /forty-two/.test(screen),
      "a clean redraw at 50 columns",
    );
    expect(narrow.match(/Ask anything/g)).toHaveLength(1);
    expect(narrow).toContain("what is the answer?");
  });
});
