// Checkpoints and `tacit rewind`, through the built CLI against the fake model server: sessions
// are built with real -p turns (--continue, --resume), then rewound; the files on disk and the
// requests the model is sent afterwards say whether the rewind happened.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture({ perTest: true });

const write = (file: string, content: string) => ({
  toolCalls: [{ name: "Write", input: { file_path: e2e.inProject(file), content } }],
});

/** One headless turn that writes a file; the first starts the session, the others continue it. */
async function turn(prompt: string, file: string, content: string, continueWith?: string[]): Promise<string> {
  e2e.server.enqueue(write(file, content), { text: `Wrote ${file}.` });
  const flags = ["--output-format", "json", "--permission-mode", "accept-edits", ...(continueWith ?? [])];
  const result = await e2e.print(prompt, flags);
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout).session_id as string;
}

const read = (file: string) => readFileSync(e2e.inProject(file), "utf8");

describe("tacit rewind", () => {
  it("restores a file two turns back and refuses to clobber a file the user changed", async () => {
    writeFileSync(e2e.inProject("notes.txt"), "the user's original\n");
    const session = await turn("first: write v1", "notes.txt", "v1\n");
    expect(await turn("second: write v2", "notes.txt", "v2\n", ["--continue"])).toBe(session);
    expect(await turn("third: write v3", "notes.txt", "v3\n", ["--resume", session])).toBe(session);

    const list = await e2e.run(["rewind", "--list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`session ${session}`);
    expect(list.stdout).toMatch(/ {2}1 {2}.*first: write v1/);
    expect(list.stdout).toMatch(/ {2}3 {2}.*third: write v3\n {7}files changed: notes\.txt/);

    // The user edits the file after the agent: a rewind must not overwrite it unasked.
    writeFileSync(e2e.inProject("notes.txt"), "the user's own edit\n");
    const refused = await e2e.run(["rewind", "--turn", "2", "--yes"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toContain("notes.txt (it was changed since tacit last wrote it)");
    expect(read("notes.txt")).toBe("the user's own edit\n");

    // Back to what the agent left: the rewind goes through, to the content before turn 2.
    writeFileSync(e2e.inProject("notes.txt"), "v3\n");
    const rewound = await e2e.run(["rewind", "--turn", "2", "--yes"]);
    expect(rewound.stderr).toBe("");
    expect(rewound.stdout).toContain("Restored notes.txt.");
    expect(read("notes.txt")).toBe("v1\n");
    // Back to before turn 1 with --force, over a user edit: the user's original comes back.
    writeFileSync(e2e.inProject("notes.txt"), "edited again\n");
    const forced = await e2e.run(["rewind", "--turn", "1", "--yes", "--force", "--files-only"]);
    expect(forced.code).toBe(0);
    expect(read("notes.txt")).toBe("the user's original\n");
  });

  it("rewinds the files only, or the conversation only", async () => {
    const session = await turn("first: write a", "a.txt", "a1\n");
    await turn("second: write a again", "a.txt", "a2\n", ["--continue"]);

    const filesOnly = await e2e.run(["rewind", "--session", session, "--turn", "2", "--files-only", "--yes"]);
    expect(filesOnly.code).toBe(0);
    expect(read("a.txt")).toBe("a1\n");
    // The conversation still has both turns.
    expect((await e2e.run(["rewind", "--list"])).stdout).toContain("second: write a again");

    writeFileSync(e2e.inProject("a.txt"), "a1\n");
    const conversationOnly = await e2e.run(["rewind", "--turn", "2", "--conversation-only", "--yes"]);
    expect(conversationOnly.code).toBe(0);
    expect(conversationOnly.stdout).toContain("Conversation rewound to before turn 2");
    const listed = (await e2e.run(["rewind", "--list"])).stdout;
    expect(listed).toContain("first: write a");
    expect(listed).not.toContain("second: write a again");

    // Continuing sends the model the conversation as rewound: turn 2 is gone from the request.
    e2e.server.enqueue({ text: "ok" });
    const resumed = await e2e.print("third, after the rewind", ["--continue"]);
    expect(resumed.code).toBe(0);
    const sent = e2e.server.requests
      .at(-1)!
      .normalized.messages.map((message) => message.text)
      .join("\n");
    expect(sent).toContain("first: write a");
    expect(sent).toContain("third, after the rewind");
    expect(sent).not.toContain("second: write a again");
  });

  it("puts back what a subagent changed in the turn that started it", async () => {
    writeFileSync(e2e.inProject("shared.txt"), "the user's original\n");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Task", input: { description: "edit shared", prompt: "edit shared.txt" } }] },
      // The subagent's own requests come next: one edit, then its answer.
      {
        toolCalls: [
          {
            name: "Edit",
            input: {
              file_path: e2e.inProject("shared.txt"),
              old_string: "original",
              new_string: "subagent's",
            },
          },
        ],
      },
      { text: "Edited shared.txt." },
      { text: "The subagent edited it." },
    );
    const result = await e2e.print("have a subagent edit shared.txt", ["--permission-mode", "accept-edits"]);
    expect(result.code, result.stderr).toBe(0);
    expect(read("shared.txt")).toBe("the user's subagent's\n");
    expect((await e2e.run(["rewind", "--list"])).stdout).toMatch(/files changed: shared\.txt/);

    const rewound = await e2e.run(["rewind", "--turn", "1", "--yes", "--files-only"]);
    expect(rewound.stderr).toBe("");
    expect(rewound.stdout).toContain("Restored shared.txt.");
    expect(read("shared.txt")).toBe("the user's original\n");
  });

  it("counts the turn's own shell command changing a file the turn wrote as the agent's doing", async () => {
    e2e.server.enqueue(
      write("formatted.txt", "raw\n"),
      { toolCalls: [{ name: "Bash", input: { command: "echo formatted >> formatted.txt" } }] },
      { text: "Done." },
    );
    expect((await e2e.print("write and format", ["--permission-mode", "bypass"])).code).toBe(0);
    expect(read("formatted.txt")).toBe("raw\nformatted\n");
    // Not "changed since tacit last wrote it": the command ran in the turn, so no --force is needed.
    const rewound = await e2e.run(["rewind", "--turn", "1", "--yes", "--files-only"]);
    expect(rewound.code, rewound.stdout + rewound.stderr).toBe(0);
    expect(rewound.stdout).toContain("Removed formatted.txt");
    expect(existsSync(e2e.inProject("formatted.txt"))).toBe(false);
  });

  it("removes a file the agent created, and says shell commands are not undone", async () => {
    e2e.server.enqueue(
      write("created.txt", "new\n"),
      { toolCalls: [{ name: "Bash", input: { command: "echo side-effect > shell-made.txt" } }] },
      { text: "Done." },
    );
    const first = await e2e.print("create a file and run a command", [
      "--permission-mode",
      "bypass",
      "--output-format",
      "json",
    ]);
    expect(first.code).toBe(0);
    const session = JSON.parse(first.stdout).session_id as string;
    expect(existsSync(e2e.inProject("created.txt"))).toBe(true);
    expect((await e2e.run(["rewind"])).stdout).toContain("shell commands ran — not undone");

    const rewound = await e2e.run(["rewind", "--turn", "1", "--yes"]);
    expect(rewound.code).toBe(0);
    expect(rewound.stdout).toContain("their effects are not undone");
    expect(rewound.stdout).toContain("Removed created.txt (created by the rewound turns).");
    expect(rewound.stdout).not.toContain("Restored");
    expect(existsSync(e2e.inProject("created.txt"))).toBe(false);
    // The shell's file is the shell's: rewind never claims it.
    expect(existsSync(e2e.inProject("shell-made.txt"))).toBe(true);
    expect((await e2e.run(["rewind", "--list", "--session", session])).stdout).toContain(
      "No user turns in this session.",
    );
  });

  it("marks a file too large to snapshot in the list, and leaves out a file the turn left as it was", async () => {
    // Just over the 10 MB cap: the agent's Write replaces it, and a rewind cannot bring it back.
    writeFileSync(e2e.inProject("big.txt"), "a".repeat(10 * 1024 * 1024 + 1));
    writeFileSync(e2e.inProject("a.txt"), "orig\n");
    e2e.server.enqueue(
      {
        toolCalls: [
          { name: "Write", input: { file_path: e2e.inProject("big.txt"), content: "small\n" } },
          { name: "Edit", input: { file_path: e2e.inProject("a.txt"), old_string: "NOPE", new_string: "x" } },
        ],
      },
      { text: "Done." },
    );
    expect((await e2e.print("overwrite", ["--permission-mode", "accept-edits"])).code).toBe(0);
    const listed = (await e2e.run(["rewind", "--list"])).stdout;
    expect(listed).toContain("files changed: big.txt (not kept: too large to snapshot)\n");
    expect(listed).not.toContain("a.txt");

    const rewound = await e2e.run(["rewind", "--turn", "1", "--files-only", "--yes"]);
    expect(rewound.stdout).toContain("Left big.txt as it is: it was too large to snapshot.");
    expect(read("a.txt")).toBe("orig\n");
  });
});
