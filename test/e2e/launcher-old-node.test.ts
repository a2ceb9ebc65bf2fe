// On a Node older than 22 in a checkout, bin/tacit.js re-runs itself on the pinned Node 24. That launcher
// must behave like tacit itself: a signal sent to it reaches tacit (nothing is left orphaned), Ctrl+C in a
// terminal reaches tacit once (its own "interrupted" line comes before the shell's prompt), and its
// TACIT_REEXEC marker never reaches what tacit starts (a nested tacit on the old Node would refuse).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { cliPath } from "./harness.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const oldNode = ["/usr/bin/node", "/bin/node"].find((candidate) => existsSync(candidate));
const oldMajor = oldNode
  ? Number(spawnSync(oldNode, ["--version"], { encoding: "utf8" }).stdout.trim().slice(1).split(".")[0])
  : Number.NaN;
const hasOldNode = oldMajor < 22;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The pid of the launcher's one child (Linux /proc), once it has one. */
function childOf(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return children ? Number(children.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

describe.skipIf(!hasOldNode)("the launcher on an old Node", () => {
  const e2e = e2eFixture();
  const started: ChildProcess[] = [];
  const tacits: number[] = [];
  afterAll(() => {
    // Whatever a failing test left behind: the launchers, and the tacit each started.
    for (const child of started) child.kill("SIGKILL");
    for (const tacit of tacits) if (alive(tacit)) process.kill(tacit, "SIGKILL");
  });
  const tacitOf = async (launcher: ChildProcess) => {
    const tacit = await until(() => childOf(launcher.pid as number), "tacit to start");
    tacits.push(tacit);
    return tacit;
  };

  /**
   * With openInput, its stdin is a FIFO held open read-write here: it never ends, as a terminal left
   * open would not (acp reads it); else nothing (a headless run would read a stdin to its end).
   */
  const launch = (args: string[], openInput = false) => {
    const fifo = path.join(e2e.workspace.userHome, `stdin-${started.length}`);
    if (openInput) spawnSync("mkfifo", [fifo]);
    const input = openInput ? openSync(fifo, "r+") : "ignore";
    const launcher = spawn(oldNode as string, [cliPath, ...args], {
      cwd: e2e.workspace.project,
      env: { PATH: process.env.PATH ?? "", TACIT_NO_REFLECT: "1", ...e2e.env },
      stdio: [input, "pipe", "pipe"],
    });
    if (typeof input === "number") closeSync(input);
    started.push(launcher);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      launcher.on("exit", (code, signal) => resolve({ code, signal })),
    );
    return { launcher, exited };
  };

  it.each(["SIGTERM", "SIGHUP"] as const)(
    "passes %s on to tacit, leaving nothing running",
    async (signal) => {
      const { launcher, exited } = launch(["acp"], true);
      const tacit = await tacitOf(launcher);
      launcher.kill(signal);
      await exited;
      await until(() => (alive(tacit) ? undefined : true), "tacit to end with its launcher");
    },
    30_000,
  );

  it("passes SIGINT sent to it alone on to tacit, once: tacit says it was interrupted", async () => {
    e2e.server.enqueue({ fault: { kind: "stall", afterText: "Thinking" } });
    const asked = e2e.server.requests.length;
    const { launcher, exited } = launch(["-p", "go", "--model", e2e.model]);
    let stderr = "";
    launcher.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    await tacitOf(launcher);
    await until(() => (e2e.server.requests.length > asked ? true : undefined), "the model to be asked");
    launcher.kill("SIGINT");
    const ended = await exited;
    expect(stderr).toContain("tacit: interrupted");
    expect(ended.code).not.toBe(0);
  }, 30_000);

  it("keeps TACIT_REEXEC out of the environment of the commands tacit runs", async () => {
    e2e.server.enqueue(
      { toolCalls: [{ name: "Bash", input: { command: 'echo "reexec=[$TACIT_REEXEC]"' } }] },
      { text: "Done." },
    );
    const { exited } = launch(["-p", "go", "--model", e2e.model, "--allowed-tools", "Bash"]);
    const ended = await exited;
    expect(ended.code).toBe(0);
    expect(e2e.results()[0]?.output).toContain("reexec=[]");
  }, 30_000);
});

describe.skipIf(!hasOldNode || !hasTmux)("Ctrl+C in a terminal on the launcher of an old Node", () => {
  const e2e = e2eFixture();
  const terminals: TmuxTerminal[] = [];
  afterAll(() => {
    for (const terminal of terminals) terminal.kill();
  });

  /** Types the command in an interactive shell, as a person does: it runs as the terminal's foreground job. */
  async function runInShell(name: string, args: string[]): Promise<TmuxTerminal> {
    const terminal = new TmuxTerminal(name);
    terminals.push(terminal);
    const shell = "bash --norc --noprofile -i";
    terminal.tmux(
      "new-session",
      "-d",
      "-s",
      "tacit",
      "-x",
      "150",
      "-y",
      "30",
      "-c",
      e2e.workspace.project,
      shell,
    );
    const environment = {
      PATH: process.env.PATH ?? "",
      TERM: "xterm-256color",
      TACIT_NO_REFLECT: "1",
      ...e2e.env,
    };
    const assignments = Object.entries(environment).map(([variable, value]) => `${variable}='${value}'`);
    const command = `env -i ${assignments.join(" ")} ${oldNode} ${cliPath} ${args.join(" ")}`;
    await terminal.typeLine(`${command}; echo "__TACIT_EXITED_$?__"`);
    return terminal;
  }
  /** Where the shell said the launcher's code (the typed command line, perhaps wrapped, has "$?" there). */
  const exitedAt = (screen: string) => screen.search(/__TACIT_EXITED_\d+__/);

  it("reaches a headless run, whose interrupted line comes before the shell goes on", async () => {
    e2e.server.enqueue({ fault: { kind: "stall", afterText: "Thinking" } });
    const asked = e2e.server.requests.length;
    const terminal = await runInShell("launcher-ctrl-c", ["-p", "go", "--model", e2e.model]);
    await until(() => (e2e.server.requests.length > asked ? true : undefined), "the model to be asked");
    terminal.keys("C-c");
    const screen = await terminal.waitFor(/__TACIT_EXITED_\d+__/, "the launcher to exit");
    const interrupted = screen.indexOf("tacit: interrupted");
    expect(interrupted).toBeGreaterThan(-1);
    expect(interrupted).toBeLessThan(exitedAt(screen));
  }, 30_000);

  it("reaches acp once: it ends cleanly (a second SIGINT would kill it)", async () => {
    const terminal = await runInShell("launcher-ctrl-c-acp", ["acp"]);
    // Ctrl+C once acp answers (its own handler of SIGINT is in place by then).
    await terminal.typeLine('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1}}');
    await terminal.waitFor(/"id":1,"result"|"result".*"id":1/, "acp to answer");
    terminal.keys("C-c");
    const screen = await terminal.waitFor(/__TACIT_EXITED_\d+__/, "the launcher to exit");
    expect(screen.slice(exitedAt(screen))).toMatch(/^__TACIT_EXITED_0__/);
  }, 30_000);
});
