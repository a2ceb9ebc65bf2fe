// The built CLI's TUI in a real terminal: a tmux server of its own (-L, so the user's
// sessions are never touched), driven with send-keys and read with capture-pane.
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { cliPath } from "./harness.ts";

export const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;

const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export class TmuxTui {
  private readonly socket: string;
  private readonly target = "tacit";

  /** Starts `tacit <args>` in `cwd` with exactly `environment` (env -i: nothing of the machine leaks in). */
  constructor(name: string, cwd: string, environment: Record<string, string>, args: string[]) {
    this.socket = `${name}-${process.pid}`;
    // No background reflection after quitting unless a test asks for it (TACIT_NO_REFLECT: "").
    const assignments = Object.entries({ TERM: "xterm-256color", TACIT_NO_REFLECT: "1", ...environment })
      .map(([key, value]) => `${key}=${quote(value)}`)
      .join(" ");
    const launcher = path.join(cwd, "..", `${name}-launch.sh`);
    // The marker after the command shows the process really ended, and with which code.
    writeFileSync(
      launcher,
      `env -i ${assignments} ${quote(process.execPath)} ${quote(cliPath)} ${args.map(quote).join(" ")}\necho "__TACIT_EXITED_$?__"\nsleep 600\n`,
    );
    this.tmux("new-session", "-d", "-s", this.target, "-x", "120", "-y", "40", "-c", cwd, `sh ${launcher}`);
  }

  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", this.target);
  }

  /** Captures the pane until the pattern shows; fails with the last screen after 15 s. */
  async waitFor(pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    let last = "";
    while (Date.now() < deadline) {
      last = this.screen();
      if (pattern.test(last)) return last;
      await pause(75);
    }
    throw new Error(`timed out waiting for ${what} (${pattern})\n--- last screen ---\n${last}`);
  }

  /** Types text literally, then Enter as its own key, as a person would. */
  async typeLine(text: string): Promise<void> {
    this.tmux("send-keys", "-t", this.target, "-l", text);
    await pause(150);
    this.tmux("send-keys", "-t", this.target, "Enter");
  }

  close(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }
}
