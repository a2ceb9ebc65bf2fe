// The TUI draws its prompt before the runtime loads; when the runtime cannot
// start, tacit must still leave with the same one-line error as headless runs,
// and with the start-up warnings found before it (they would be notices had it started).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliPath, createWorkspace } from "./harness.ts";

const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
const socket = `tacit-e2e-start-${process.pid}`;

function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

describe.skipIf(!hasTmux)("the TUI when it cannot start", () => {
  const workspace = createWorkspace();
  afterAll(() => {
    spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
    workspace.cleanup();
  });

  /** Runs the TUI with no API key in a tmux window until it exits; the screen, wrapped lines joined. */
  async function startWithoutKey(session: string): Promise<string> {
    const launcher = path.join(workspace.project, "..", `launch-${session}.sh`);
    const environment = `PATH=${quote(process.env.PATH ?? "/usr/bin:/bin")} HOME=${quote(workspace.userHome)} TERM=xterm-256color TACIT_HOME=${quote(workspace.home)}`;
    writeFileSync(
      launcher,
      `env -i ${environment} ${quote(process.execPath)} ${quote(cliPath)} --model anthropic/claude-sonnet-4-5\necho "__TACIT_EXITED_$?__"\nsleep 600\n`,
    );
    execFileSync("tmux", [
      ...["-L", socket, "new-session", "-d", "-s", session, "-x", "200", "-y", "30"],
      ...["-c", workspace.project, `sh ${launcher}`],
    ]);
    const deadline = Date.now() + 15_000;
    let screen = "";
    while (Date.now() < deadline) {
      screen = execFileSync("tmux", ["-L", socket, "capture-pane", "-p", "-J", "-t", session], {
        encoding: "utf8",
      });
      if (screen.includes("__TACIT_EXITED_")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return screen;
  }

  it("exits 1 with one line naming the missing key", async () => {
    const screen = await startWithoutKey("start");
    expect(screen, screen).toContain("__TACIT_EXITED_1__");
    expect(screen).toMatch(/tacit: no API key for anthropic: set ANTHROPIC_API_KEY/);
  });

  it("prints the settings warnings found before the error, then the error", async () => {
    const settings = path.join(workspace.project, ".tacit", "settings.json");
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
