// Keys that arrive together, in a real terminal: tmux send-keys delivers a
// burst in one write, as a fast typist or a script does. Also what /exit
// leaves behind, and how a stale memory is recalled. The built CLI runs
// against the fake model server and a real memory folder.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

describe.skipIf(!hasTmux)("the TUI with keys sent in bursts (tmux)", () => {
  const terminal = new TmuxTerminal("keys");
  const e2e = e2eFixture();
  const memoryFolder = () => path.join(e2e.workspace.project, ".tacit", "memory");

  /** The text of the user's message in the newest request the fake server got. */
  function lastUserText(): string {
    const request = e2e.server.requests.at(-1);
    const users = request?.normalized.messages.filter((message) => message.role === "user") ?? [];
    return users.at(-1)?.text ?? "";
  }

  async function untilRequest(count: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (e2e.server.requests.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 75));
    }
    expect(e2e.server.requests.length, terminal.screen()).toBe(count);
  }

  beforeAll(async () => {
    // Two project memories; the deploy one names a script the project does not have, so it is stale.
    for (const text of [
      "Deploys run `scripts/deploy.sh` from the repository root",
      "Builds use pnpm, never npm",
    ]) {
      const remembered = await e2e.run(["remember", text]);
      expect(remembered.code, remembered.stderr).toBe(0);
    }
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
    await terminal.waitFor(/Ask anything/, "the input prompt");
  });

  afterAll(() => terminal.kill());

  it("text, Alt+Enter, text and Enter in one burst send both lines", async () => {
    e2e.server.enqueue({ text: "Two lines received." });
    terminal.keys("alpha beta", "M-Enter", "gamma", "Enter");
    await terminal.waitFor(/Two lines received\./, "the answer");
    await untilRequest(1);
    expect(lastUserText()).toContain("alpha beta\ngamma");
  });

  it("a trailing backslash then Enter makes a new line, as the README says", async () => {
    e2e.server.enqueue({ text: "Backslash handled." });
    terminal.keys("one\\", "Enter");
    await terminal.waitFor(/❯ one\s/, "the first line still in the editor");
    terminal.keys("two", "Enter");
    await terminal.waitFor(/Backslash handled\./, "the answer");
    await untilRequest(2);
    expect(lastUserText()).toContain("one\ntwo");
    expect(lastUserText()).not.toContain("one\\");
  });

  it("a stale memory is marked stale in the recall line", async () => {
    e2e.server.enqueue({ text: "Use the deploy script." });
    terminal.keys("how do deploys run from the repository root?", "Enter");
    const screen = await terminal.waitFor(/Use the deploy script\./, "the answer");
    const joined = screen.replace(/\n\s*/g, " ");
    expect(joined).toMatch(/↺ recalled deploys run scripts deploy sh from the \(project, stale\)/);
    expect(joined).not.toMatch(/builds use pnpm never npm \(project, stale\)/);
  });

  it("Down Enter in the /memory picker acts on the item Down moved to, and forget asks first", async () => {
    const deploy = path.join(memoryFolder(), "deploys-run-scripts-deploy-sh-from-the.md");
    const build = path.join(memoryFolder(), "builds-use-pnpm-never-npm.md");
    expect(existsSync(deploy) && existsSync(build)).toBe(true);
    terminal.keys("/memory", "Enter");
    await terminal.waitFor(/Memories · project/, "the memory list");
    // The list is builds, then deploys: Down Enter in one burst opens deploys, not builds.
    terminal.keys("Down", "Enter");
    await terminal.waitFor(/project\/deploys-run-scripts-deploy-sh-from-the/, "the memory's actions");
    terminal.keys("Down", "Enter");
    await terminal.waitFor(
      /Forget project\/deploys-run-scripts-deploy-sh-from-the\? \(y\/N\)/,
      "the question",
    );
    expect(existsSync(deploy)).toBe(true);
    terminal.keys("y");
    await terminal.waitFor(/Forgot project\/deploys-run-scripts-deploy-sh-from-the/, "the forget notice");
    expect(existsSync(deploy)).toBe(false);
    expect(existsSync(build)).toBe(true);
  });

  it("/exit clears the prompt and footer and says how to resume", async () => {
    terminal.keys("/exit", "Enter");
    await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
    const everything = terminal.screen({ history: true });
    expect(everything.match(/resume this session with: tacit -c/g)).toHaveLength(1);
    // The conversation stays in the scrollback; the last frame of the input area does not.
    expect(everything).toContain("Use the deploy script.");
    expect(everything).not.toContain("Ask anything");
    expect(everything).not.toContain("ctrl+c twice quit");
  });
});

describe.skipIf(!hasTmux)("Ctrl+D in the TUI (tmux)", () => {
  const terminal = new TmuxTerminal("ctrl-d");
  const e2e = e2eFixture();
  afterAll(() => terminal.kill());

  it("on an empty prompt quits, as in a shell; with text in the prompt it does not", async () => {
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
    await terminal.waitFor(/Ask anything/, "the input prompt");
    terminal.literal("draft");
    terminal.keys("C-d");
    terminal.literal("!");
    await terminal.waitFor(/draft!/, "the prompt kept");
    terminal.keys("C-u");
    await terminal.waitFor(/Ask anything/, "the prompt emptied");
    terminal.keys("C-d");
    await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
  }, 60_000);
});
