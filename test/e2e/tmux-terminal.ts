// A real terminal for the TUI's end-to-end tests: tmux on a server of its own
// (-L), so the user's tmux sessions are never touched, driven with send-keys
// and read with capture-pane.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { cliPath, type Workspace } from "./harness.ts";

export const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;

const DEADLINE_MS = 15_000;

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export class TmuxTerminal {
  private readonly socket: string;
  private readonly target = "tacit";

  constructor(name: string) {
    this.socket = `tacit-e2e-${name}-${process.pid}`;
  }

  tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }

  /**
   * Runs the built CLI in a fresh window. env -i: nothing of the machine's own
   * environment (real keys, NO_COLOR) leaks in. The marker printed after it shows
   * the process really ended, and with which code. With `stderr`, what tacit writes there goes to that
   * file instead of the screen.
   */
  launch(
    workspace: Workspace,
    environment: Record<string, string>,
    args: string[],
    size = { columns: 100, rows: 30 },
    stderr?: string,
  ): void {
    const assignments = Object.entries({
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      TERM: "xterm-256color",
      // No background reflection after quitting unless a test asks for it (TACIT_NO_REFLECT: "").
      TACIT_NO_REFLECT: "1",
      ...environment,
    })
      .map(([name, value]) => `${name}=${shellQuote(value)}`)
      .join(" ");
    const launcher = path.join(workspace.project, "..", `launch-${this.socket}.sh`);
    const command = [process.execPath, cliPath, ...args]
      .map(shellQuote)
      .concat(stderr ? [`2>${shellQuote(stderr)}`] : [])
      .join(" ");
    writeFileSync(launcher, `env -i ${assignments} ${command}\necho "__TACIT_EXITED_$?__"\nsleep 600\n`);
    this.tmux(
      "new-session",
      "-d",
      "-s",
      this.target,
      "-x",
      String(size.columns),
      "-y",
      String(size.rows),
      "-c",
      workspace.project,
      `sh ${launcher}`,
    );
  }

  /** tmux key names (Enter, Down, M-Enter) and literal words, sent together as one burst. */
  keys(...keys: string[]): void {
    this.tmux("send-keys", "-t", this.target, ...keys);
  }

  /** Text typed as is: no word in it is read as a key name. */
  literal(text: string): void {
    this.tmux("send-keys", "-t", this.target, "-l", text);
  }

  /** Types text literally, then Enter as its own key, as a person would. */
  async typeLine(text: string): Promise<void> {
    this.literal(text);
    await new Promise((resolve) => setTimeout(resolve, 150));
    this.keys("Enter");
  }

  /** What is on screen; with history, everything that scrolled off it too. */
  screen(options: { history?: boolean } = {}): string {
    return this.tmux("capture-pane", "-p", "-t", this.target, ...(options.history ? ["-S", "-"] : []));
  }

  /** Captures the pane until the pattern shows or the deadline passes; fails with the last screen. */
  async waitFor(pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + DEADLINE_MS;
    let last = "";
    while (Date.now() < deadline) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 75));
    }
    throw new Error(`timed out waiting for ${what} (${pattern})\n--- last screen ---\n${last}`);
  }

  kill(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
  }
}
