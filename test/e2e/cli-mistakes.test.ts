// Mistakes at the command line and closed pipes, against the built CLI:
// a real shell pipe into `head -1`, mistyped commands, and (in tmux, a real
// terminal) the question asked before a lone command-like word becomes a prompt.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { cliPath } from "./harness.ts";

const e2e = e2eFixture();

beforeAll(() => {
  // Enough memories that `memory list` writes far more than a pipe holds (64 KB), so the
  // writer is still writing when `head -1` has gone: the case that used to print EPIPE.
  const folder = path.join(e2e.workspace.home, "memory");
  mkdirSync(folder, { recursive: true });
  for (let index = 1; index <= 600; index++) {
    writeFileSync(
      path.join(folder, `note-${index}.md`),
      `---\nname: note-${index}\ndescription: Note ${index} on the deployment pipeline and its quirks, described at length so the listing is wide\ntype: reference\n---\n\nBody ${index}.\n`,
    );
  }
});

const run = (args: string[]) => e2e.run(args);

/** Runs a shell command line (with tacit as $TACIT) and collects its output and exit code. */
function shell(
  shellName: string,
  commandLine: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(shellName, ["-c", commandLine], {
      cwd: e2e.workspace.project,
      env: { PATH: process.env.PATH ?? "", ...e2e.env, TACIT: `${process.execPath} ${cliPath}` },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("a closed pipe ends a command quietly", () => {
  it("memory list | head -1 prints one line and nothing on stderr", async () => {
    const result = await shell("sh", "$TACIT memory list | head -1");
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^user \(600 memories\)/);
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("exits 141 like git and coreutils, so pipefail scripts see the same", async () => {
    const hasBash = spawnSync("bash", ["-c", "true"]).status === 0;
    if (!hasBash) return;
    const result = await shell("bash", "set -o pipefail; $TACIT memory export --stdout | head -1");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(141);
  });
});

describe("tacit help", () => {
  it("prints the help of the command it names and sends nothing, even with -p", async () => {
    const requestsBefore = e2e.server.requests.length;
    for (const args of [["help"], ["help", "-p"], ["help", "--model", e2e.model, "-p"]]) {
      const help = await run(args);
      expect(help.code, args.join(" ")).toBe(0);
      expect(help.stdout).toMatch(/^Usage: tacit \[options\] \[command\] \[prompt\]/);
    }
    const memory = await run(["help", "memory", "list"]);
    expect(memory.stdout).toMatch(/^Usage: tacit memory list/);
    const typo = await run(["help", "memroy"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('tacit: unknown command "memroy"; did you mean "tacit memory"?\n');
    expect(e2e.server.requests.length).toBe(requestsBefore);
  });
});

describe("mistyped commands", () => {
  it("an unknown subcommand is named, with the closest one, exit 2", async () => {
    const typo = await run(["memory", "lst"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('tacit: unknown command "lst" for "tacit memory"; did you mean "list"?\n');
    const unknown = await run(["memory", "frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^tacit: unknown command "frobnicate" for "tacit memory"; its commands are: list, show,/,
    );
    // The root's options before the command are skipped, their values with them.
    const afterOptions = await run(["--model", "anthropic/claude-sonnet-5", "--verbose", "memory", "lst"]);
    expect(afterOptions.code).toBe(2);
    expect(afterOptions.stderr).toBe(
      'tacit: unknown command "lst" for "tacit memory"; did you mean "list"?\n',
    );
    const sessions = await run(["sessions", "shwo", "01ABC"]);
    expect(sessions.stderr).toBe(
      'tacit: unknown command "shwo" for "tacit sessions"; did you mean "show"?\n',
    );
  });

  it("a mistyped command with words after it, a missing argument, an unknown option: one line, exit 2", async () => {
    const cases: Array<[string[], string]> = [
      [["memroy", "list"], 'tacit: unknown command "memroy"; did you mean "tacit memory"?\n'],
      [["sessions", "search"], "tacit: missing required argument 'query' (run tacit --help for usage)\n"],
      [["memory", "forget"], "tacit: missing required argument 'name' (run tacit --help for usage)\n"],
      [["doctor", "--json"], "tacit: unknown option '--json' (run tacit --help for usage)\n"],
      [
        ["fix", "the", "bug"],
        'tacit: a prompt is one argument: quote it, as in tacit "fix the bug" (or tacit -p "fix the bug")\n',
      ],
    ];
    for (const [args, line] of cases) {
      const result = await run(args);
      expect(result.stderr, args.join(" ")).toBe(line);
      expect(result.code, args.join(" ")).toBe(2);
    }
    const help = await run(["memory", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tacit memory/);
  });

  it("--include-partial-messages without stream-json: one line, exit 2, nothing sent", async () => {
    const before = e2e.server.requests.length;
    for (const format of [[], ["--output-format", "text"], ["--output-format", "json"]]) {
      const result = await e2e.print("hello", ["--include-partial-messages", ...format]);
      expect(result.stderr).toBe("tacit: --include-partial-messages goes with --output-format stream-json\n");
      expect(result.code).toBe(2);
    }
    expect(e2e.server.requests.length).toBe(before);
  });

  it("a lone word close to a command is refused, not sent, when there is no one to ask", async () => {
    const before = e2e.server.requests.length;
    for (const args of [["sesions"], ["-p", "sesions", "--model", e2e.model]]) {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'tacit: "sesions" is not a command; did you mean "tacit sessions"? (to send it to the model as a prompt, put it after --: tacit -p -- sesions)\n',
      );
    }
    expect(e2e.server.requests.length).toBe(before);
    // After -- it is a prompt by choice.
    e2e.server.enqueue({ text: "Sessions are stored in SQLite." });
    const chosen = await run(["-p", "--model", e2e.model, "--", "sesions"]);
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toBe("Sessions are stored in SQLite.\n");
    // Ordinary one-word prompts are not questioned.
    e2e.server.enqueue({ text: "Hello." });
    expect((await run(["-p", "hello", "--model", e2e.model])).stdout).toBe("Hello.\n");
  });
});

const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasTmux)("in a terminal, a command-like word asks first (tmux)", () => {
  const socket = `tacit-typo-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  afterAll(() => {
    spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
  });

  async function waitForScreen(target: string, pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 15_000;
    let last = "";
    while (Date.now() < deadline) {
      last = tmux("capture-pane", "-p", "-t", target);
      if (pattern.test(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 75));
    }
    throw new Error(`timed out waiting for ${pattern}\n--- last screen ---\n${last}`);
  }

  function launch(target: string, word: string): void {
    const environment = { PATH: process.env.PATH ?? "", TERM: "xterm-256color", ...e2e.env };
    const assignments = Object.entries(environment)
      .map(([name, value]) => `${name}='${value}'`)
      .join(" ");
    const script = path.join(e2e.workspace.project, "..", `${target}.sh`);
    writeFileSync(
      script,
      `env -i ${assignments} '${process.execPath}' '${cliPath}' --model ${e2e.model} ${word}\necho "__EXITED_$?__"\nsleep 600\n`,
    );
    tmux(
      "new-session",
      "-d",
      "-s",
      target,
      "-x",
      "120",
      "-y",
      "30",
      "-c",
      e2e.workspace.project,
      `sh ${script}`,
    );
  }

  it("yes runs the command it looked like, and nothing is sent to the model", async () => {
    const before = e2e.server.requests.length;
    launch("typo-yes", "sesions");
    await waitForScreen("typo-yes", /Did you mean "tacit sessions"\? \[Y\/n\]/);
    tmux("send-keys", "-t", "typo-yes", "y", "Enter");
    const screen = await waitForScreen("typo-yes", /__EXITED_\d+__/);
    // The session list (earlier tests in this file left sessions behind), not the TUI.
    expect(screen).toMatch(/No sessions in this directory|\d+ msgs/);
    expect(screen).not.toContain("❯");
    expect(screen).toContain("__EXITED_0__");
    expect(e2e.server.requests.length).toBe(before);
  });

  it("no sends the word to the model as a prompt", async () => {
    e2e.server.enqueue({ text: "You asked about sesions." });
    launch("typo-no", "sesions");
    await waitForScreen("typo-no", /Did you mean "tacit sessions"\?/);
    tmux("send-keys", "-t", "typo-no", "n", "Enter");
    await waitForScreen("typo-no", /You asked about sesions\./);
    const sent = e2e.server.requests.at(-1)!.normalized.messages.at(-1)!.text;
    expect(sent).toContain("sesions");
  });
});
