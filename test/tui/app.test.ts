import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import type { AgentEvent } from "../../src/core/events.ts";
import { doneEvent, FakeHost, held, KEYS, renderApp, scripted, stripAnsi } from "./fake-host.ts";

afterEach(() => cleanup());

describe("input editor", () => {
  test("typing and Enter sends the prompt and records it in history", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("hello there", KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.prompts).toEqual(["hello there"]);
    expect(host.appended).toEqual(["hello there"]);
    expect(app.frame()).toContain("❯ hello there");
  });

  test("Alt+Enter and backslash-Enter make a multi-line prompt", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("line one", KEYS.altEnter, "line two\\", KEYS.enter, "line three", KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.prompts[0]).toBe("line one\nline two\nline three");
  });

  test("Up and Down walk the prompt history loaded from the host", async () => {
    const host = new FakeHost();
    host.historyEntries = ["first question", "second question"];
    let loaded = () => {};
    const historyLoaded = new Promise<void>((resolve) => {
      loaded = resolve;
    });
    const load = host.history.load;
    host.history.load = async () => {
      const entries = await load();
      setImmediate(loaded);
      return entries;
    };
    const app = renderApp(host);
    await historyLoaded;
    await app.type(KEYS.up);
    await app.waitFor((frame) => frame.includes("second question"));
    await app.type(KEYS.up);
    await app.waitFor((frame) => frame.includes("first question"));
    await app.type(KEYS.down, KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.prompts).toEqual(["second question"]);
  });

  test("a large paste shows as a placeholder and is sent in full", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    const pasted = Array.from({ length: 42 }, (_unused, index) => `row ${index}`).join("\n");
    await app.type("see ", pasted);
    await app.waitFor((frame) => frame.includes("[Pasted text #1 +42 lines]"));
    expect(app.frame()).not.toContain("row 41");
    await app.type(KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.prompts[0]).toBe(`see ${pasted}`);
  });

  test("bracketed paste goes through the same placeholder", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type(`\u001b[200~${"x".repeat(900)}\u001b[201~`);
    await app.waitFor((frame) => frame.includes("[Pasted text #1 +1 lines]"));
  });

  test("@ completes file paths from the host", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("open @src/a");
    await app.waitFor((frame) => frame.includes("src/app.ts") && frame.includes("src/agent/"));
    expect(app.frame()).not.toContain("README.md");
    await app.type(KEYS.tab, "now", KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.prompts[0]).toBe("open @src/app.ts now");
  });
});

describe("slash commands", () => {
  test("the menu filters as you type and Tab completes", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/m");
    const frame = await app.waitFor((text) => text.includes("/model"));
    expect(frame).toContain("/memory");
    expect(frame).not.toContain("/cost");
    await app.type("o", KEYS.tab);
    await app.waitFor((text) => text.includes("❯ /model "));
  });

  test("/help lists the commands and keys", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/help", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("what it does"));
    for (const name of [
      "/model",
      "/memory",
      "/remember",
      "/resume",
      "/new",
      "/compact",
      "/cost",
      "/export",
      "/exit",
    ]) {
      expect(frame).toContain(name);
    }
    // An argument hint with `|` stays in its cell: the table keeps its two columns.
    expect(frame).toContain("minimal|low|medium|high");
    // What the README lists: /model's default, the aliases, Ctrl+D.
    expect(frame).toContain("[provider/model|default]");
    expect(frame).toMatch(/also \/clear/);
    expect(frame).toMatch(/also \/quit/);
    expect(frame).toContain("Ctrl+D");
    expect(host.prompts).toEqual([]);
  });

  test("/skills lists the skills found", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/skills", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("How to cut a release"));
    expect(frame).toContain("release  (project, /repo/.tacit/skills)");
    expect(host.prompts).toEqual([]);
  });

  test("/compact shows a failed save as a warning, then the same line automatic compaction shows", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/compact", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("Compacted the conversation"));
    expect(frame).toContain("Could not save what matters to memory before compacting (offline)");
    expect(frame).toContain("⇣ Compacted the conversation: context ~48.2k → ~2.1k tokens (~46.1k freed)");
    expect(host.prompts).toEqual([]);
  });

  test("/model opens a picker and switches to the chosen model", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/model", KEYS.enter);
    await app.waitFor((text) => text.includes("Switch model"));
    await app.type(KEYS.down, KEYS.enter);
    await app.waitFor((text) => text.includes("Model: openai/gpt-5"));
    expect(host.switchedTo).toEqual(["openai/gpt-5"]);
    expect(app.frame()).toContain("openai/gpt-5 · ask before edits");
  });

  test("/effort sets a level typed after it, or picked from the list", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/effort high", KEYS.enter);
    await app.waitFor((text) => text.includes("Effort: high"));
    expect(host.effortLevel).toBe("high");
    // The footer shows the level in force.
    await app.waitFor((text) => text.includes("effort high · ask before edits"));
    await app.type("/effort", KEYS.enter);
    await app.waitFor((text) => text.includes("Reasoning effort"));
    expect(app.frame()).toMatch(/❯ high +current/);
    await app.type(KEYS.down, KEYS.enter);
    await app.waitFor((text) => text.includes("Effort: xhigh"));
    expect(host.effortLevel).toBe("xhigh");
    // The picker opens on the level in force: Enter alone keeps it rather than dropping to minimal.
    await app.type("/effort", KEYS.enter);
    await app.waitFor((text) => text.includes("Reasoning effort"));
    await app.type(KEYS.enter);
    await app.waitFor((text) => text.split("Effort: xhigh").length === 3);
    expect(host.effortLevel).toBe("xhigh");
    // default goes back to the provider's own, and the footer drops the level.
    await app.type("/effort default", KEYS.enter);
    await app.waitFor((text) => text.includes("Effort: the provider's default"));
    expect(host.effortLevel).toBeUndefined();
    expect(app.frame()).not.toContain("effort xhigh ·");
    expect(host.prompts).toEqual([]);
  });

  test("/memory says so when memory is absent; /memory browses and forgets when present", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/memory", KEYS.enter);
    await app.waitFor((text) => text.includes("Memory is off for this run"));

    const forgotten: string[] = [];
    const withMemory = new FakeHost();
    withMemory.memory = {
      list: async () => [
        { scope: "user", name: "tabs", description: "uses tabs", type: "preference" },
        { scope: "project", name: "build", description: "npm run build", type: "project" },
      ],
      show: async (_scope, name) => `# ${name}\nbody`,
      forget: async (scope, name) => {
        forgotten.push(`${scope}/${name}`);
      },
      remember: async (text) => `Remembered: ${text}`,
    };
    cleanup();
    const second = renderApp(withMemory);
    await second.type("/memory", KEYS.enter);
    await second.waitFor((text) => text.includes("Memory scopes"));
    await second.type(KEYS.down, KEYS.enter);
    await second.waitFor((text) => text.includes("Memories · project"));
    await second.type(KEYS.enter);
    await second.waitFor((text) => text.includes("Forget"));
    await second.type(KEYS.down, KEYS.enter);
    await second.waitFor((text) => text.includes("Forget project/build? (y/N)"));
    await second.type("y");
    await second.waitFor((text) => text.includes("Forgot project/build"));
    expect(forgotten).toEqual(["project/build"]);
    await second.type("/remember use pnpm", KEYS.enter);
    await second.waitFor((text) => text.includes("Remembered: use pnpm"));
  });

  test("/resume shows the past conversation of the picked session", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/resume", KEYS.enter);
    await app.waitFor((text) => text.includes("Fix the parser"));
    await app.type(KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("Resumed session old-1"));
    expect(frame).toContain("earlier question");
    expect(frame).toContain("earlier answer");
  });
});

describe("streaming and tools", () => {
  test("streamed markdown renders code, lists and tables", async () => {
    const chunks = [
      "# Plan\n\n",
      "- read the file\n- fix the bug\n\n",
      "```js\nconst a = 1;\n",
      "```\n\n",
      "| a | b |\n|---|---|\n| 1 | 2 |\n",
    ];
    const host = new FakeHost(
      scripted(...chunks.map((text): AgentEvent => ({ type: "text-delta", text })), doneEvent()),
    );
    const app = renderApp(host);
    await app.type("go", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("│ 1   │ 2   │"));
    expect(frame).toContain("• read the file");
    expect(frame).toContain("• fix the bug");
    expect(frame).toContain("  const a = 1;");
    expect(frame).not.toContain("```");
  });

  test("a tool line shows running, then done with a coloured diff", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const host = new FakeHost(async function* () {
      yield { type: "tool-start", toolCallId: "t1", toolName: "Edit", input: { file_path: "src/a.ts" } };
      await gate;
      yield {
        type: "tool-end",
        toolCallId: "t1",
        toolName: "Edit",
        output: "ok",
        isError: false,
        durationMs: 1200,
        display: {
          kind: "diff",
          path: "src/a.ts",
          diff: "--- a\n+++ b\n@@ -1 +1 @@\n-old line\n+new line\n",
        },
      };
      yield doneEvent();
    });
    const app = renderApp(host, { color: true });
    await app.type("edit", KEYS.enter);
    const running = await app.waitFor((text) => stripAnsi(text).includes("Edit src/a.ts"));
    expect(stripAnsi(running)).not.toContain("✓");
    release();
    const done = await app.waitFor((text) => stripAnsi(text).includes("✓ Edit src/a.ts 1.2s · +1 -1"));
    expect(done).toContain("\u001b[32m+new line\u001b[39m");
    expect(done).toContain("\u001b[31m-old line\u001b[39m");
  });

  test("without colour the same diff has no colour codes", async () => {
    const host = new FakeHost(
      scripted(
        { type: "tool-start", toolCallId: "t1", toolName: "Edit", input: { file_path: "a.ts" } },
        {
          type: "tool-end",
          toolCallId: "t1",
          toolName: "Edit",
          output: "ok",
          isError: false,
          durationMs: 5,
          display: { kind: "diff", path: "a.ts", diff: "@@ -1 +1 @@\n-x\n+y\n" },
        },
        doneEvent(),
      ),
    );
    const app = renderApp(host, { color: false });
    await app.type("edit", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("+y"));
    expect(frame).not.toMatch(/\u001b\[3\dm/);
  });

  test("command tails, todos and failed tools", async () => {
    const host = new FakeHost(
      scripted(
        { type: "tool-start", toolCallId: "t1", toolName: "Bash", input: { command: "npm test" } },
        {
          type: "tool-end",
          toolCallId: "t1",
          toolName: "Bash",
          output: "",
          isError: true,
          durationMs: 3000,
          display: { kind: "command", command: "npm test", exitCode: 1, tail: "1 failing\nexpected 2" },
        },
        { type: "tool-start", toolCallId: "t2", toolName: "TodoWrite", input: {} },
        {
          type: "tool-end",
          toolCallId: "t2",
          toolName: "TodoWrite",
          output: "",
          isError: false,
          durationMs: 1,
          display: {
            kind: "todos",
            items: [
              { content: "write test", status: "completed" },
              { content: "fix bug", status: "in_progress" },
              { content: "ship", status: "pending" },
            ],
          },
        },
        doneEvent(),
      ),
    );
    const app = renderApp(host);
    await app.type("test", KEYS.enter);
    const frame = await app.waitFor((text) => text.includes("☐ ship"));
    expect(frame).toContain("✗ Bash npm test 3.0s · exit 1");
    expect(frame).toContain("expected 2");
    expect(frame).toContain("☒ write test");
    expect(frame).toContain("◐ fix bug");
  });
});

describe("permissions, modes, interrupts", () => {
  test("the permission prompt returns allow once, allow always, and deny with a typed reason", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    const request = { toolName: "Bash", summary: "run rm -rf build", suggestedRule: "Bash(rm:*)" };

    const first = app.bridge.ask(request);
    await app.waitFor((text) => text.includes("Permission: Bash"));
    expect(app.frame()).toContain("Allow always (Bash(rm:*))");
    await app.type(KEYS.enter);
    expect(await first).toEqual({ decision: "allow-once" });

    const second = app.bridge.ask(request);
    await app.waitFor((text) => text.includes("Permission: Bash"));
    await app.type("2");
    expect(await second).toEqual({ decision: "allow-always" });

    const third = app.bridge.ask(request);
    await app.waitFor((text) => text.includes("Permission: Bash"));
    await app.type(KEYS.down, KEYS.down, KEYS.enter);
    await app.waitFor((text) => text.includes("Why not?"));
    await app.type("use the clean script", KEYS.enter);
    expect(await third).toEqual({ decision: "deny", reason: "use the clean script" });
  });

  test("Shift+Tab cycles default → accept-edits → plan → default and the footer follows", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type(KEYS.shiftTab);
    await app.waitFor((text) => text.includes("accept edits"));
    await app.type(KEYS.shiftTab);
    await app.waitFor((text) => text.includes("plan mode"));
    await app.type(KEYS.shiftTab);
    await app.waitFor((text) => text.includes("ask before edits"));
    expect(host.modes).toEqual(["accept-edits", "plan", "default"]);
  });

  test("Esc aborts the signal given to submit", async () => {
    const turn = held();
    const host = new FakeHost(turn.script);
    const app = renderApp(host);
    await app.type("long job", KEYS.enter);
    await app.waitFor((text) => text.includes("working on it"));
    expect(host.signals[0]!.aborted).toBe(false);
    await app.type(KEYS.escape);
    await app.waitFor((text) => text.includes("Interrupted"));
    expect(host.signals[0]!.aborted).toBe(true);
  });

  test("messages typed during a turn are queued and sent when it ends", async () => {
    const turn = held();
    const host = new FakeHost(turn.script);
    const app = renderApp(host);
    await app.type("first", KEYS.enter);
    await app.waitFor((text) => text.includes("working on it"));
    await app.type("second", KEYS.enter);
    await app.waitFor((text) => text.includes("queued: second"));
    expect(host.prompts).toEqual(["first"]);
    host.script = scripted(doneEvent());
    turn.release();
    await app.waitFor(() => host.prompts.length === 2);
    expect(host.prompts).toEqual(["first", "second"]);
    await app.waitFor((text) => !text.includes("queued: second"));
  });

  test("Ctrl-C once warns, and clears typed text first", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("draft", KEYS.ctrlC);
    await app.waitFor((text) => !text.includes("draft"));
    await app.type(KEYS.ctrlC);
    await app.waitFor((text) => text.includes("Press Ctrl-C again to exit"));
  });
});

describe("footer", () => {
  test("shows model, mode, context use, cost and recalled memories", async () => {
    const host = new FakeHost(
      scripted(
        {
          type: "recall",
          items: [
            {
              id: "memory:user/tabs",
              kind: "memory",
              scope: "user",
              title: "tabs: prefers tabs",
              reasons: ["matched: tabs", "updated today"],
              tokens: 12,
            },
            {
              id: "memory:project@p/build-steps",
              kind: "memory",
              scope: "project",
              title: "build steps: npm run build",
              reasons: [],
              tokens: 9,
            },
          ],
        },
        doneEvent(),
      ),
    );
    const app = renderApp(host);
    const initial = await app.waitFor((text) => text.includes("ctx"));
    expect(initial).toContain("anthropic/claude-sonnet-4-5 · ask before edits · ctx 50k/200k (25%) · $0.12");
    await app.type("hi", KEYS.enter);
    await app.waitFor((text) => text.includes("2 recalled"));
    expect(app.frame()).toContain("↺ recalled tabs (user) · build steps (project) (/recalled for why)");
    await app.type("/recalled", KEYS.enter);
    const frame = await app.waitFor((text) =>
      text.includes("user/tabs: prefers tabs (why: matched: tabs; updated today)"),
    );
    expect(frame).toContain("project/build steps: npm run build");
  });
});

describe("starting behind a host that is still loading", () => {
  test("shows the continued conversation and startup warnings once the host is ready", async () => {
    const host = new FakeHost();
    host.resumed = [
      { role: "user", text: "rename the parser module" },
      { role: "assistant", text: "Renamed it to syntax.ts." },
    ];
    host.notices = ['ignored permissions.defaultMode "bypass" from the project'];
    let ready = () => {};
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const app = renderApp(host, { started });
    expect(app.frame()).not.toContain("Renamed it to syntax.ts.");
    ready();
    await app.waitFor(() => app.frame().includes("Renamed it to syntax.ts."));
    expect(app.frame()).toContain("rename the parser module");
    expect(app.frame()).toContain('ignored permissions.defaultMode "bypass"');
  });
});

describe('tacit -c "prompt"', () => {
  test("sends the first prompt after the continued conversation is on screen", async () => {
    const host = new FakeHost(scripted(doneEvent()));
    host.resumed = [{ role: "user", text: "remember the word pineapple" }];
    let ready = () => {};
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const app = renderApp(host, { initialPrompt: "what was the word?", started });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.prompts).toEqual([]);
    ready();
    await app.waitFor(() => host.prompts.length === 1);
    const frame = await app.waitFor((text) => text.includes("what was the word?"));
    expect(frame.indexOf("remember the word pineapple")).toBeLessThan(frame.indexOf("what was the word?"));
  });
});

describe("/init", () => {
  test("gets an init turn ready with the focus, then submits the line the host gave back", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type("/init the test setup", KEYS.enter);
    await app.waitFor(() => host.prompts.length === 1);
    expect(host.initFocus).toEqual(["the test setup"]);
    expect(host.prompts[0]).toBe("Study this repository (init: the test setup).");
    await app.waitFor((text) => text.includes("Study this repository (init: the test setup)."));
  });
});
