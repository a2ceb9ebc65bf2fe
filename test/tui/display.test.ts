// What the conversation shows: Ctrl+O's expanded output, /new's fresh state,
// denied tools, recalled big pastes, stale memories.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import type { AgentEvent } from "../../src/core/events.ts";
import { doneEvent, FakeHost, KEYS, renderApp, type Script, scripted } from "./fake-host.ts";

afterEach(() => cleanup());

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** One Read call whose 30-line output the collapsed view leaves out. */
const readTurn: AgentEvent[] = [
  { type: "tool-start", toolCallId: "r1", toolName: "Read", input: { file_path: "notes.txt" } },
  {
    type: "tool-end",
    toolCallId: "r1",
    toolName: "Read",
    output: Array.from({ length: 30 }, (_unused, index) => `notes line ${index}`).join("\n"),
    isError: false,
    durationMs: 3,
  },
  { type: "text-delta", text: "I read the notes.\n" },
  doneEvent(),
];

/** Each prompt gets the next script. */
function turns(...scripts: Script[]): Script {
  let next = 0;
  return (prompt, signal) => scripts[Math.min(next++, scripts.length - 1)]!(prompt, signal);
}

describe("Ctrl+O", () => {
  test("prints the last tool's whole output once, and later output goes below it", async () => {
    const host = new FakeHost(
      turns(scripted(...readTurn), scripted({ type: "text-delta", text: "A later answer.\n" }, doneEvent())),
    );
    const app = renderApp(host);
    await app.type("read the notes", KEYS.enter);
    await app.waitFor((frame) => frame.includes("I read the notes."));
    expect(app.frame()).not.toContain("notes line 29");
    await app.type(KEYS.ctrlO);
    await app.waitFor((frame) => frame.includes("notes line 29"));
    await app.type("and then?", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("A later answer."));
    // Not pinned under the new answer, and not repeated.
    expect(count(frame, "notes line 29")).toBe(1);
    expect(frame.indexOf("notes line 29")).toBeLessThan(frame.indexOf("A later answer."));
    // A second press does not print the same output again.
    await app.type(KEYS.ctrlO);
    await app.waitFor((text) => text.includes("is shown above"));
    expect(count(app.frame(), "notes line 29")).toBe(1);
  });

  test.each([
    ["/new", "New session started."],
    ["/resume old-1", "Resumed session old-1"],
  ])("after %s there is no last tool to expand", async (command, notice) => {
    const host = new FakeHost(scripted(...readTurn));
    const app = renderApp(host);
    await app.type("read the notes", KEYS.enter);
    await app.waitFor((frame) => frame.includes("I read the notes."));
    await app.type(command, KEYS.enter);
    await app.waitFor((frame) => frame.includes(notice));
    await app.type(KEYS.ctrlO);
    await app.waitFor((frame) => frame.includes("No tool output to expand yet."));
    expect(app.frame()).not.toContain("notes line 29");
  });
});

describe("/new", () => {
  test("clears the recalled count in the footer", async () => {
    const host = new FakeHost(
      scripted(
        {
          type: "recall",
          items: [
            { id: "memory:user/tabs", kind: "memory", scope: "user", title: "tabs", reasons: [], tokens: 5 },
            {
              id: "s-1#2",
              kind: "transcript",
              scope: "session",
              title: "user in session s-1",
              reasons: [],
              tokens: 7,
              sessionId: "s-1",
            },
          ],
        },
        doneEvent(),
      ),
    );
    const app = renderApp(host);
    await app.type("hi", KEYS.enter);
    await app.waitFor((frame) => frame.includes("2 recalled"));
    await app.type("/new", KEYS.enter);
    await app.waitFor((frame) => frame.includes("New session started."));
    expect(app.frame()).not.toContain("recalled (/recalled)");
    await app.type("/recalled", KEYS.enter);
    await app.waitFor((frame) => frame.includes("Nothing was recalled for the last turn."));
  });
});

describe("a denied tool", () => {
  test("is shown once, with its reason once", async () => {
    const reason = "The user denied this call (run rm -rf build). Their reason: use the clean script";
    const host = new FakeHost(
      scripted(
        { type: "tool-start", toolCallId: "b1", toolName: "Bash", input: { command: "rm -rf build" } },
        { type: "tool-denied", toolCallId: "b1", toolName: "Bash", reason },
        {
          type: "tool-end",
          toolCallId: "b1",
          toolName: "Bash",
          output: reason,
          isError: true,
          durationMs: 1,
        },
        { type: "text-delta", text: "Understood, I will not delete it.\n" },
        doneEvent(),
      ),
    );
    const app = renderApp(host);
    await app.type("clean up", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("Understood, I will not delete it."));
    // One tool line, and the gate's sentence (with the user's reason) once, under it.
    expect(frame.match(/✗ Bash/g)).toHaveLength(1);
    expect(frame).toContain("✗ Bash rm -rf build");
    expect(count(frame, "The user denied this call")).toBe(1);
    expect(count(frame, "Their reason: use the clean script")).toBe(1);
  });
});

/** Resolves once the app has the host's history (it loads in the background at start). */
function historyLoaded(host: FakeHost): Promise<void> {
  const load = host.history.load;
  return new Promise((resolve) => {
    host.history.load = async () => {
      const entries = await load();
      setImmediate(resolve);
      return entries;
    };
  });
}

describe("prompt history", () => {
  const pasted = Array.from({ length: 42 }, (_unused, index) => `row ${index}`).join("\n");

  test("Up on a prompt that had a big paste brings back the placeholder, and Enter sends it in full", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("see ", pasted);
    await app.waitFor((frame) => frame.includes("[Pasted text #1 +42 lines]"));
    await app.type(KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    await app.type(KEYS.up);
    await app.waitFor((frame) => frame.includes("❯ see [Pasted text #1 +42 lines]"));
    // The transcript shows the first rows of the sent prompt; the last one appears nowhere.
    expect(app.frame()).not.toContain("row 41");
    await app.type(KEYS.enter);
    await app.waitFor(() => host.prompts.length === 2);
    expect(host.prompts[1]).toBe(`see ${pasted}`);
  });

  test("a big prompt from the history file comes back collapsed too", async () => {
    const host = new FakeHost();
    host.historyEntries = [pasted];
    const loaded = historyLoaded(host);
    const app = renderApp(host);
    await loaded;
    await app.type(KEYS.up);
    await app.waitFor((frame) => frame.includes("[Pasted text #1 +42 lines]"));
    expect(app.frame()).not.toContain("row 41");
    await app.type(KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.prompts[0]).toBe(pasted);
  });

  test("Up then Down gives back a draft with its paste intact", async () => {
    const host = new FakeHost();
    host.historyEntries = ["an older prompt"];
    const loaded = historyLoaded(host);
    const app = renderApp(host);
    await loaded;
    await app.type("draft ", pasted);
    await app.waitFor((frame) => frame.includes("[Pasted text #1 +42 lines]"));
    await app.type(KEYS.up);
    await app.waitFor((frame) => frame.includes("❯ an older prompt"));
    await app.type(KEYS.down, KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.prompts[0]).toBe(`draft ${pasted}`);
  });
});

describe("recall", () => {
  test("marks a stale memory in the recall line and says what is missing in /recalled", async () => {
    const host = new FakeHost(
      scripted(
        {
          type: "recall",
          items: [
            {
              id: "memory:project@p/build",
              kind: "memory",
              scope: "project",
              title: "build: npm run build",
              reasons: ["matched: build"],
              tokens: 20,
              missingPaths: ["scripts/build.sh"],
            },
            {
              id: "memory:user/tabs",
              kind: "memory",
              scope: "user",
              title: "tabs: prefers tabs",
              reasons: ["matched: tabs"],
              tokens: 10,
            },
          ],
        },
        doneEvent(),
      ),
    );
    const app = renderApp(host);
    await app.type("build it", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("↺ recalled"));
    expect(frame).toContain("↺ recalled build (project, stale) · tabs (user) (/recalled for why)");
    await app.type("/recalled", KEYS.enter);
    await app.waitFor((text) => text.includes("[stale: missing scripts/build.sh]"));
    expect(app.frame()).not.toMatch(/tabs: prefers tabs \[stale/);
  });
});
