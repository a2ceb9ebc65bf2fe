// Custom slash commands in the built CLI's TUI, in a real terminal (tmux): listed in /help with
// their argument hint, offered by completion, and run as a prompt the model gets expanded.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("custom-commands");

describe.skipIf(!hasTmux)("custom slash commands in a real terminal (tmux)", () => {
  const e2e = e2eFixture();

  beforeAll(() => {
    const folder = e2e.inProject(".tacit", "commands");
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, "greet-team.md"),
      "---\ndescription: Greet a teammate by name\nargument-hint: <name>\n---\nSay hello to $1 from the team.\n",
    );
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model], { columns: 120, rows: 40 });
  });
  afterAll(() => terminal.kill());

  it("lists the command in /help and completion, and runs it with its arguments", async () => {
    await terminal.waitFor(/ctrl\+c twice quit/, "the prompt");
    await terminal.typeLine("/help");
    await terminal.waitFor(
      /\/greet-team <name>.*Greet a teammate by name \(project\)/,
      "the command in /help",
    );

    terminal.literal("/greet");
    await terminal.waitFor(/\/greet-team <name>\s+Greet a teammate/, "the completion menu with the hint");
    terminal.keys("Escape");
    terminal.keys("C-u");

    e2e.server.enqueue({ text: "Hello sent to Ada." });
    await terminal.typeLine("/greet-team Ada");
    await terminal.waitFor(/Hello sent to Ada\./, "the answer");
    // Any chat request (background work such as embeddings may come after it) carried the expansion.
    const said = e2e.server.requests.flatMap((request) =>
      request.normalized.messages.filter((message) => message.role === "user").map((message) => message.text),
    );
    expect(said.some((text) => text.includes("Say hello to Ada from the team."))).toBe(true);

    await terminal.typeLine("/exit");
    await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
  }, 90_000);
});
