// The TUI reflects on a session when it is left: /new starts reflection on the session left, and
// quitting on the one it ends with; the line saying so stays under the resume line.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { ReflectionLedger } from "../../src/session/reflection-ledger.ts";
import { e2eFixture } from "./fixture.ts";
import { isReflection } from "./reflection-script.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("reflection");

async function typeLine(text: string): Promise<void> {
  terminal.literal(text);
  await new Promise((resolve) => setTimeout(resolve, 150));
  terminal.keys("Enter");
}

describe.skipIf(!hasTmux)("reflection from the TUI (tmux)", () => {
  const e2e = e2eFixture();
  afterAll(() => terminal.kill());

  it("reflects on the session left by /new and on the one it quits, in the background", async () => {
    const { server } = e2e;
    server.onRequest((request) => (isReflection(request) ? { text: "nothing to keep" } : undefined));
    terminal.launch(e2e.workspace, { ...e2e.env, TACIT_NO_REFLECT: "" }, ["--model", e2e.model]);
    await terminal.waitFor(/❯/, "the input prompt");

    server.enqueue({ text: "First answer." });
    await typeLine("first question");
    await terminal.waitFor(/First answer\./, "the first answer");
    await typeLine("/new");
    await terminal.waitFor(
      /New session started; reflecting on the last one in the background\./,
      "the /new notice",
    );

    server.enqueue({ text: "Second answer." });
    await typeLine("second question");
    await terminal.waitFor(/Second answer\./, "the second answer");
    await typeLine("/exit");
    const screen = await terminal.waitFor(/__TACIT_EXITED_0__/, "the process to exit");
    expect(screen).toMatch(/resume this session with: .+\nreflecting on this session in the background\n/);

    // Both sessions are reflected on, each once, by processes that outlived the TUI.
    const deadline = Date.now() + 60_000;
    const finished = () => {
      const database = openTacitDatabase(path.join(e2e.workspace.home, "tacit.db"));
      try {
        const ledger = new ReflectionLedger(database);
        const sessions = database
          .prepare("SELECT id FROM sessions")
          .all()
          .map((row) => String(row.id));
        return sessions.flatMap((id) => ledger.runs(id)).filter((run) => run.status === "done").length;
      } finally {
        database.close();
      }
    };
    while (finished() < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(finished()).toBe(2);
    expect(server.requests.filter(isReflection)).toHaveLength(2);
    server.onRequest(() => undefined);
  });
});
