// /rewind in the real TUI, inside tmux, against the fake model server: the list names each earlier
// turn with the files it changed and whether shell commands ran; picking one puts the file back
// and takes the conversation back to before it, so the next request no longer carries that turn.
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("rewind");

describe.skipIf(!hasTmux)("/rewind in the TUI (tmux)", () => {
  const e2e = e2eFixture();
  beforeAll(() => {
    writeFileSync(e2e.inProject("notes.txt"), "original\n");
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model, "--permission-mode", "bypass"]);
  });
  afterAll(() => terminal.kill());

  /** The text of every message of the last request the model was sent. */
  const lastRequestText = () =>
    e2e.server.requests
      .at(-1)!
      .normalized.messages.map((message) => message.text)
      .join("\n");

  const send = async (text: string) => {
    terminal.literal(text);
    await new Promise((resolve) => setTimeout(resolve, 150));
    terminal.keys("Enter");
  };

  it("lists earlier turns and rewinds files and conversation to before one", async () => {
    await terminal.waitFor(/❯/, "the input prompt");
    e2e.server.enqueue(
      {
        toolCalls: [
          { name: "Write", input: { file_path: e2e.inProject("notes.txt"), content: "first edit\n" } },
        ],
      },
      { text: "First edit done." },
    );
    await send("alpha turn: edit notes");
    await terminal.waitFor(/First edit done\./, "the first answer");
    e2e.server.enqueue(
      {
        toolCalls: [
          { name: "Write", input: { file_path: e2e.inProject("notes.txt"), content: "second edit\n" } },
        ],
      },
      { toolCalls: [{ name: "Bash", input: { command: "echo ran > shell.txt" } }] },
      { text: "Second edit done." },
    );
    await send("beta turn: edit again");
    await terminal.waitFor(/Second edit done\./, "the second answer");
    expect(readFileSync(e2e.inProject("notes.txt"), "utf8")).toBe("second edit\n");

    await send("/rewind");
    await terminal.waitFor(/Rewind to before which turn\?/, "the list of turns");
    await terminal.waitFor(/2\. beta turn: edit again/, "the newest turn");
    const listed = terminal.screen();
    expect(listed).toContain("1. alpha turn: edit notes");
    expect(listed).toMatch(/2\. beta turn.*shell commands ran — not undone · files: note/);
    expect(listed).toMatch(/1\. alpha turn: edit notes .*· files: notes\.txt/);
    expect(listed).not.toMatch(/1\. alpha turn.*shell commands/);
    // The newest turn is first: pick it, then "Files and conversation".
    terminal.keys("Enter");
    await terminal.waitFor(/put back what\?/, "the choice of what to put back");
    terminal.keys("Enter");
    await terminal.waitFor(/Restored notes\.txt\./, "the files put back");
    await terminal.waitFor(/Conversation rewound to before turn 2/, "the conversation rewound");
    expect(readFileSync(e2e.inProject("notes.txt"), "utf8")).toBe("first edit\n");

    e2e.server.enqueue({ text: "Carrying on." });
    await send("gamma turn");
    await terminal.waitFor(/Carrying on\./, "the answer after the rewind");
    const sent = lastRequestText();
    expect(sent).toContain("alpha turn: edit notes");
    expect(sent).not.toContain("beta turn: edit again");
  });

  it("reloads a conversation rewound by tacit rewind from another terminal before its next turn", async () => {
    e2e.server.enqueue({ text: "Delta done." });
    await send("delta turn");
    await terminal.waitFor(/Delta done\./, "the delta answer");
    // Turns now: alpha, gamma, delta. Another terminal takes delta out of the session.
    const outside = await e2e.run(["rewind", "--turn", "3", "--conversation-only", "--yes"]);
    expect(outside.stdout).toContain("a tacit window still open on it reloads it before its next turn");

    e2e.server.enqueue({ text: "Epsilon done." });
    await send("epsilon turn");
    await terminal.waitFor(/rewound outside this window/, "the notice of the outside rewind");
    await terminal.waitFor(/Epsilon done\./, "the answer after it");
    const sent = lastRequestText();
    expect(sent).toContain("gamma turn");
    expect(sent).toContain("epsilon turn");
    expect(sent).not.toContain("delta turn");
  });
});
