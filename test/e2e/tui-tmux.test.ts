// The real CLI in a real terminal: `tacit` (no -p) inside tmux, driven with
// send-keys and read with capture-pane, against the fake model e2e.server.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const DEADLINE_MS = 15_000;
const terminal = new TmuxTerminal("tmux");
const screen = () => terminal.screen();
const waitForScreen = (pattern: RegExp, what: string) => terminal.waitFor(pattern, what);

async function waitFor<T>(check: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 75));
  }
  throw new Error(`timed out waiting for ${what}\n--- last screen ---\n${screen()}`);
}

/** Types text literally, then Enter as its own key (as a person would). */
async function typeLine(text: string): Promise<void> {
  terminal.literal(text);
  await new Promise((resolve) => setTimeout(resolve, 150));
  terminal.keys("Enter");
}

describe.skipIf(!hasTmux)("the TUI in a real terminal (tmux)", () => {
  const e2e = e2eFixture();
  beforeAll(() => {
    // Both wires: the test switches model to GPT half-way.
    terminal.launch(e2e.workspace, { ...e2e.env, ...e2e.wire("openai-responses").env }, [
      "--model",
      e2e.model,
    ]);
  });
  afterAll(() => terminal.kill());

  it("shows the prompt, streams an answer, asks before a write, switches model, browses memory and exits", async () => {
    await waitForScreen(/❯/, "the input prompt");
    expect(screen()).toContain("anthropic/claude-sonnet-5");

    // A plain prompt: the streamed answer appears.
    e2e.server.enqueue({ text: "Hello from the fake model, streaming along." });
    await typeLine("say hello");
    await waitForScreen(/Hello from the fake model, streaming along\./, "the streamed answer");

    // A scripted Write: the inline permission prompt, then allow once.
    const notes = path.join(e2e.workspace.project, "notes.txt");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: notes, content: "written by tacit\n" } }] },
      { text: "The notes file is written." },
    );
    await typeLine("create notes.txt");
    await waitForScreen(/Allow once/, "the permission prompt");
    expect(existsSync(notes)).toBe(false);
    terminal.keys("1");
    await waitForScreen(/The notes file is written\./, "the answer after the write");
    expect(readFileSync(notes, "utf8")).toBe("written by tacit\n");

    // Switch to an OpenAI model mid-session; the next request carries the earlier turns.
    await typeLine("/model openai/gpt-5");
    await waitForScreen(/Model: openai\/gpt-5/, "the model switch notice");
    const requestsBefore = e2e.server.requests.length;
    e2e.server.enqueue({ text: "We wrote notes.txt together." });
    await typeLine("what did we do so far?");
    await waitForScreen(/We wrote notes\.txt together\./, "the answer from the second model");
    const request = await waitFor(
      () => e2e.server.requests[requestsBefore],
      "the request on the OpenAI wire",
    );
    expect(request.wire).toBe("openai-responses");
    expect(e2e.server.errors).toEqual([]);
    const texts = request.normalized.messages.map((message) => message.text).join("\n");
    expect(texts).toContain("say hello");
    expect(texts).toContain("Hello from the fake model, streaming along.");
    expect(
      request.normalized.messages.some((message) => message.toolCalls.some((call) => call.name === "Write")),
    ).toBe(true);

    // /compact: a reflection saves what matters (here: nothing), then the current model summarises;
    // the next request starts from the summary.
    e2e.server.enqueue(
      { text: "Nothing worth keeping." },
      { text: "Summary: the user said hello and we wrote notes.txt." },
    );
    await typeLine("/compact");
    await waitForScreen(/Compacted the conversation/, "the compaction notice");
    const [reflectionRequest, compactRequest] = e2e.server.requests.slice(-2);
    expect(reflectionRequest!.normalized.toolNames).toEqual(["memory", "skill_draft"]);
    expect(compactRequest!.normalized.toolNames).toEqual([]);
    e2e.server.enqueue({ text: "Continuing after the summary." });
    const beforeNext = e2e.server.requests.length;
    await typeLine("carry on");
    await waitForScreen(/Continuing after the summary\./, "the answer after compaction");
    const afterCompaction = await waitFor(
      () => e2e.server.requests[beforeNext],
      "the request after compaction",
    );
    expect(afterCompaction.normalized.messages[0]!.text).toContain("summary of earlier turns");
    expect(afterCompaction.normalized.messages.some((message) => message.text.includes("say hello"))).toBe(
      false,
    );

    // /export writes the whole session next to the project.
    await typeLine("/export");
    const exported = await waitForScreen(/Exported the session to/, "the export notice");
    const match = /tacit-session-[\w-]+\.jsonl/.exec(exported.replace(/\n\s*/g, ""));
    expect(match).not.toBeNull();
    const exportedText = readFileSync(path.join(e2e.workspace.project, match![0]), "utf8");
    expect(exportedText).toContain("say hello");

    // The memory browser opens (empty state in a fresh workspace).
    await typeLine("/memory");
    await waitForScreen(/No memories yet|Memories ·|Memory scopes/, "the memory browser");

    // /exit ends the process.
    await typeLine("/exit");
    await waitForScreen(/__TACIT_EXITED_0__/, "the process to exit");
  }, 90_000);
});
