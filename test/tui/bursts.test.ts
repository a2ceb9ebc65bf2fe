// Keys that arrive together (one stdin chunk, as tmux send-keys, a fast typist
// or a script deliver them) must land as if typed one by one: each against the
// state the previous key left. test/e2e/tui-keys.test.ts does the same in tmux.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import type { MemorySummary } from "../../src/modes/tui/host.ts";
import { FakeHost, KEYS, renderApp } from "./fake-host.ts";

afterEach(() => cleanup());

describe("a burst of keys in one chunk", () => {
  test("text, Alt+Enter, text, Enter sends both lines", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type(`alpha beta${KEYS.altEnter}gamma${KEYS.enter}`);
    await app.waitFor(() => host.prompts.length === 1, "the prompt to be sent");
    expect(host.prompts).toEqual(["alpha beta\ngamma"]);
  });

  test("a trailing backslash then Enter in the same chunk makes a new line, not a prompt ending in \\", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type(`one\\${KEYS.enter}`);
    await app.waitFor((frame) => frame.includes("❯ one"), "the first line");
    expect(host.prompts).toEqual([]);
    await app.type(`two${KEYS.enter}`);
    await app.waitFor(() => host.prompts.length === 1, "the prompt to be sent");
    expect(host.prompts).toEqual(["one\ntwo"]);
  });

  test("Down then Enter in a picker picks the item Down moved to", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    await app.type(`/model${KEYS.enter}`);
    await app.waitFor((frame) => frame.includes("Switch model"));
    await app.type(`${KEYS.down}${KEYS.down}${KEYS.enter}`);
    await app.waitFor((frame) => frame.includes("Model: google/gemini-2.5-pro"));
    expect(host.switchedTo).toEqual(["google/gemini-2.5-pro"]);
  });

  test("an answer to the permission question and the next prompt in one chunk: both land", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    const answer = app.bridge.ask({ toolName: "Bash", summary: "run npm test" });
    await app.waitFor((frame) => frame.includes("Permission: Bash"));
    await app.type(`2and then the docs${KEYS.enter}`);
    expect(await answer).toEqual({ decision: "allow-always" });
    await app.waitFor(() => host.prompts.length === 1, "the prompt typed after the answer");
    expect(host.prompts).toEqual(["and then the docs"]);
  });

  test("a deny reason and Enter in one chunk send the whole reason", async () => {
    const host = new FakeHost();
    const app = renderApp(host);
    const answer = app.bridge.ask({ toolName: "Bash", summary: "run rm -rf build" });
    await app.waitFor((frame) => frame.includes("Permission: Bash"));
    await app.type(`3use the clean script${KEYS.enter}`);
    expect(await answer).toEqual({ decision: "deny", reason: "use the clean script" });
    expect(host.prompts).toEqual([]);
  });
});

describe("forgetting a memory from /memory", () => {
  function withMemories(forgotten: string[]): FakeHost {
    const host = new FakeHost();
    const memories: MemorySummary[] = [
      { scope: "project", name: "build", description: "npm run build", type: "project" },
      { scope: "project", name: "lint", description: "npm run lint", type: "project" },
    ];
    host.memory = {
      list: async () => memories.filter((memory) => !forgotten.includes(`${memory.scope}/${memory.name}`)),
      show: async (_scope, name) => `# ${name}`,
      forget: async (scope, name) => {
        forgotten.push(`${scope}/${name}`);
      },
      remember: async (text) => text,
    };
    return host;
  }

  test("asks first; n keeps it; Down Enter in one chunk acts on the item Down moved to", async () => {
    const forgotten: string[] = [];
    const app = renderApp(withMemories(forgotten));
    await app.type(`/memory${KEYS.enter}`);
    await app.waitFor((frame) => frame.includes("Memories · project"));
    // Down and Enter together: the second memory, then its actions; Down Enter again: Forget.
    await app.type(`${KEYS.down}${KEYS.enter}`);
    await app.waitFor((frame) => frame.includes("project/lint") && frame.includes("Forget"));
    await app.type(`${KEYS.down}${KEYS.enter}`);
    await app.waitFor((frame) => frame.includes("Forget project/lint? (y/N)"));
    expect(forgotten).toEqual([]);
    await app.type("n");
    await app.waitFor((frame) => frame.includes("Kept project/lint"));
    expect(forgotten).toEqual([]);

    await app.type(`/memory${KEYS.enter}`);
    await app.waitFor((frame) => frame.includes("Memories · project"));
    // The whole walk in one chunk, confirmation included.
    await app.type(`${KEYS.down}${KEYS.enter}${KEYS.down}${KEYS.enter}y`);
    await app.waitFor((frame) => frame.includes("Forgot project/lint"));
    expect(forgotten).toEqual(["project/lint"]);
  });

  test("Enter or Esc at the question keeps the memory", async () => {
    const forgotten: string[] = [];
    const app = renderApp(withMemories(forgotten));
    const kept = () => app.frame().match(/Kept project\/build/g)?.length ?? 0;
    for (const [index, answer] of [KEYS.enter, KEYS.escape].entries()) {
      await app.type(`/memory${KEYS.enter}`);
      await app.waitFor((frame) => frame.includes("Memories · project"));
      await app.type(KEYS.enter, `${KEYS.down}${KEYS.enter}`);
      await app.waitFor((frame) => frame.includes("Forget project/build? (y/N)"));
      await app.type(answer);
      await app.waitFor(() => kept() === index + 1, "the memory to be kept");
    }
    expect(forgotten).toEqual([]);
  });
});
