// The TUI draws its prompt before the runtime has loaded: what the user does in
// that moment waits for the host, and a host that cannot start ends the TUI.
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import { SLASH_COMMANDS } from "../../src/modes/tui/commands.ts";
import { createTuiController } from "../../src/modes/tui/controller.ts";
import type { TuiInfo } from "../../src/modes/tui/host.ts";
import { PermissionBridge } from "../../src/modes/tui/permission-bridge.ts";
import { emptyTranscript } from "../../src/modes/tui/transcript.ts";
import { initialUiState } from "../../src/modes/tui/ui-state.ts";
import { doneEvent, FakeHost, KEYS, renderApp, scripted } from "./fake-host.ts";

afterEach(() => cleanup());

const PLACEHOLDER: TuiInfo = {
  model: "",
  permissionMode: "default",
  contextWindow: 0,
  contextUsedTokens: 0,
  sessionCostUsd: 0,
  sessionId: "",
  cwd: "/tmp/project",
};

function later(): { started: Promise<void>; start(): void } {
  let start = () => {};
  const started = new Promise<void>((resolve) => {
    start = resolve;
  });
  return { started, start: () => start() };
}

describe("before the host has started", () => {
  test("the footer shows the placeholder; a mode and a prompt chosen meanwhile reach the host, in order", async () => {
    const host = new FakeHost(scripted({ type: "text-delta", text: "hello there\n\n" }, doneEvent()));
    const { started, start } = later();
    const app = renderApp(host, { started, placeholder: PLACEHOLDER });
    await app.waitFor((text) => text.includes("ask before edits"));
    expect(app.frame()).not.toContain("anthropic/claude-sonnet-4-5");

    await app.type(KEYS.shiftTab);
    await app.waitFor((text) => text.includes("accept edits"));
    await app.type("go", KEYS.enter);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.log).toEqual([]);

    start();
    await app.waitFor((text) => text.includes("hello there"));
    expect(host.log).toEqual(["mode accept-edits", "submit go"]);
    const frame = await app.waitFor((text) => text.includes("anthropic/claude-sonnet-4-5 · ⏵⏵ accept edits"));
    expect(frame).toContain("$0.12");
  });

  test("a command typed meanwhile runs once the host has started, against it", async () => {
    const host = new FakeHost();
    const { started, start } = later();
    const app = renderApp(host, { started, placeholder: PLACEHOLDER });
    await app.type("/cost", KEYS.enter);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(app.frame()).not.toContain("Session cost");
    start();
    await app.waitFor((text) => text.includes("Session cost: $0.1234"));
  });
});

describe("a host that cannot start", () => {
  test("ends the TUI with its error", async () => {
    const failures: Error[] = [];
    const controller = createTuiController({
      launch: {
        placeholder: PLACEHOLDER,
        ready: Promise.reject(new Error("no API key for anthropic: set ANTHROPIC_API_KEY")),
      },
      bridge: new PermissionBridge(),
      commands: SLASH_COMMANDS,
      initial: initialUiState({ transcript: emptyTranscript(), info: PLACEHOLDER, pending: undefined }),
      fail: (error) => failures.push(error),
    });
    const stop = controller.start();
    // A prompt sent while it was starting ends with the same error, not a hang.
    controller.dispatch({ type: "submit", text: "go" });
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    expect(failures.map((error) => error.message)).toEqual([
      "no API key for anthropic: set ANTHROPIC_API_KEY",
    ]);
    expect(controller.getState().busy).toBe(false);
    expect(controller.getState().transcript.items).toContainEqual(
      expect.objectContaining({
        kind: "notice",
        level: "error",
        text: expect.stringMatching(/ANTHROPIC_API_KEY/),
      }),
    );
  });
});
