// The TUI draws its prompt before the runtime loads; when the runtime cannot
// start, tacit must still leave with the same one-line error as headless runs.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
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

  it("exits 1 with one line naming the missing key", async () => {
    const launcher = path.join(workspace.project, "..", "launch-no-key.sh");
    const environment = `PATH=${quote(process.env.PATH ?? "/usr/bin:/bin")} HOME=${quote(workspace.userHome)} TERM=xterm-256color TACIT_HOME=${quote(workspace.home)}`;
    writeFileSync(
      launcher,
      `env -i ${environment} ${quote(process.execPath)} ${quote(cliPath)} --model anthropic/claude-sonnet-4-5\necho "__TACIT_EXITED_$?__"\nsleep 600\n`,
    );
    execFileSync("tmux", [
      "-L",
      socket,
      "new-session",
      "-d",
      "-s",
      "start",
      "-x",
      "100",
      "-y",
      "30",
      "-c",
      workspace.project,
      `sh ${launcher}`,
    ]);
    const deadline = Date.now() + 15_000;
    let screen = "";
    while (Date.now() < deadline) {
      screen = execFileSync("tmux", ["-L", socket, "capture-pane", "-p", "-t", "start"], {
        encoding: "utf8",
      });
      if (screen.includes("__TACIT_EXITED_")) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(screen, screen).toContain("__TACIT_EXITED_1__");
    expect(screen).toMatch(/tacit: no API key for anthropic: set ANTHROPIC_API_KEY/);
  });
});
