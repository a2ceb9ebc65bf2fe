// The key handler as a pure function: one key against the UI state gives the next state and its effects.
import type { Key } from "ink";
import { describe, expect, test } from "vitest";
import type { PickerSpec, SlashCommand } from "../../src/modes/tui/commands.ts";
import { editorWithText } from "../../src/modes/tui/editor.ts";
import type { TuiInfo } from "../../src/modes/tui/host.ts";
import { forEachKey, keyStep, NO_KEY, pasteStep, splitKeys } from "../../src/modes/tui/key-handler.ts";
import { applyEvent, emptyTranscript } from "../../src/modes/tui/transcript.ts";
import { initialUiState, type UiEffect, type UiState } from "../../src/modes/tui/ui-state.ts";

const INFO: TuiInfo = {
  model: "openai/gpt-5",
  permissionMode: "default",
  contextWindow: 100_000,
  contextUsedTokens: 0,
  sessionCostUsd: 0,
  sessionId: "s-1",
  cwd: "/repo",
};
const COMMANDS: SlashCommand[] = [{ name: "cost", description: "cost", run: () => {} }];
const REQUEST = { toolName: "Bash", summary: "run npm test", suggestedRule: "Bash(npm test:*)" };

const ENTER: Key = { ...NO_KEY, return: true };
const ESCAPE: Key = { ...NO_KEY, escape: true };
const DOWN: Key = { ...NO_KEY, downArrow: true };
const CTRL: Key = { ...NO_KEY, ctrl: true };
const SHIFT_TAB: Key = { ...NO_KEY, tab: true, shift: true };

function idle(overrides: Partial<UiState> = {}): UiState {
  return {
    ...initialUiState({ transcript: emptyTranscript(), info: INFO, pending: undefined }),
    ...overrides,
  };
}

/** Presses the keys in order; returns the last state and every effect on the way. */
function press(state: UiState, ...keys: Array<[string, Key]>): { state: UiState; effects: UiEffect[] } {
  const effects: UiEffect[] = [];
  let current = state;
  for (const [input, key] of keys) {
    const step = keyStep(current, input, key, COMMANDS);
    current = step.state;
    effects.push(...step.effects);
  }
  return { state: current, effects };
}

describe("the editor", () => {
  test("Enter sends the prompt, saves it to the history once, and clears the editor", () => {
    const first = press(idle({ editor: editorWithText("run the tests") }), ["", ENTER]);
    expect(first.effects).toEqual([
      { kind: "save-history", text: "run the tests" },
      { kind: "start-turn", prompt: "run the tests" },
    ]);
    expect(first.state.editor.text).toBe("");
    const again = press({ ...first.state, busy: false, editor: editorWithText("run the tests") }, [
      "",
      ENTER,
    ]);
    expect(again.effects).toEqual([{ kind: "start-turn", prompt: "run the tests" }]);
  });

  test("a bare /word shows the command menu and Enter runs the command", () => {
    const result = press(idle({ editor: editorWithText("/co") }), ["", ENTER]);
    expect(result.effects).toMatchObject([{ kind: "run-command", command: { name: "cost" } }]);
  });

  test("a paste goes into the editor, not to a question", () => {
    expect(pasteStep(idle(), "hello").state.editor.text).toBe("hello");
    const asked = idle({ pending: { id: 1, request: REQUEST } });
    expect(pasteStep(asked, "hello").state).toBe(asked);
  });
});

describe("Ctrl-C", () => {
  test("clears the editor, then arms quitting, then quits", () => {
    let result = press(idle({ editor: editorWithText("draft") }), ["c", CTRL]);
    expect(result.state).toMatchObject({ editor: { text: "" }, exitArmed: false });
    result = press(result.state, ["c", CTRL]);
    expect(result.state.exitArmed).toBe(true);
    result = press(result.state, ["c", CTRL]);
    expect(result.state.leaving).toBe(true);
    expect(result.effects).toEqual([{ kind: "leave" }]);
  });

  test("during a turn interrupts it and denies the open question", () => {
    const result = press(idle({ busy: true, pending: { id: 7, request: REQUEST } }), ["c", CTRL]);
    expect(result.effects).toEqual([
      { kind: "answer-permission", id: 7, answer: { decision: "deny", reason: "interrupted" } },
      { kind: "abort-turn" },
    ]);
    expect(result.state).toMatchObject({ pending: undefined, exitArmed: true });
  });
});

describe("Ctrl-D", () => {
  test("on an empty editor quits, as in a shell; with text, or during a turn, it does not", () => {
    const quit = press(idle(), ["d", CTRL]);
    expect(quit.state.leaving).toBe(true);
    expect(quit.effects).toEqual([{ kind: "leave" }]);
    expect(press(idle({ editor: editorWithText("draft") }), ["d", CTRL]).state.leaving).toBe(false);
    expect(press(idle({ busy: true }), ["d", CTRL]).state.leaving).toBe(false);
  });
});

describe("the permission question", () => {
  const asked = () => idle({ busy: true, pending: { id: 3, request: REQUEST } });

  test("1 allows once; Down Enter allows always; Esc denies", () => {
    expect(press(asked(), ["1", NO_KEY]).effects).toEqual([
      { kind: "answer-permission", id: 3, answer: { decision: "allow-once" } },
    ]);
    expect(press(asked(), ["", DOWN], ["", ENTER]).effects).toEqual([
      { kind: "answer-permission", id: 3, answer: { decision: "allow-always" } },
    ]);
    expect(press(asked(), ["", ESCAPE]).effects).toEqual([
      { kind: "answer-permission", id: 3, answer: { decision: "deny" } },
    ]);
  });

  test("3 asks why; the typed reason goes to the model with the denial", () => {
    const result = press(asked(), ["3", NO_KEY], ["use the clean script", NO_KEY], ["", ENTER]);
    expect(result.effects).toEqual([
      { kind: "answer-permission", id: 3, answer: { decision: "deny", reason: "use the clean script" } },
    ]);
    expect(result.state.pending).toBeUndefined();
  });

  test("text while the question is open does not reach the editor", () => {
    const result = press(asked(), ["x", NO_KEY]);
    expect(result.state.editor.text).toBe("");
    expect(result.effects).toEqual([]);
  });
});

describe("a picker", () => {
  const spec: PickerSpec = {
    title: "Switch model",
    items: [
      { label: "openai/gpt-5", value: "openai/gpt-5" },
      { label: "google/gemini-2.5-pro", value: "google/gemini-2.5-pro" },
      { label: "anthropic/claude-sonnet-4-5", value: "anthropic/claude-sonnet-4-5" },
    ],
    onSelect: () => {},
  };
  const picking = () => idle({ picker: { spec, selected: 0, filter: "" } });

  test("Down Enter picks the second item and closes", () => {
    const result = press(picking(), ["", DOWN], ["", ENTER]);
    expect(result.effects).toEqual([{ kind: "picked", spec, value: "google/gemini-2.5-pro" }]);
    expect(result.state.picker).toBeUndefined();
  });

  test("typing filters, and Enter picks among what is left; Esc closes without picking", () => {
    expect(press(picking(), ["claude", NO_KEY], ["", ENTER]).effects).toEqual([
      { kind: "picked", spec, value: "anthropic/claude-sonnet-4-5" },
    ]);
    const closed = press(picking(), ["", ESCAPE]);
    expect(closed).toMatchObject({ state: { picker: undefined }, effects: [] });
  });
});

describe("a yes/no question", () => {
  test("y says yes; Enter says no", () => {
    const confirm = { question: "Forget user/tabs?", answer: () => {} };
    expect(press(idle({ confirm }), ["y", NO_KEY]).effects).toEqual([
      { kind: "confirmed", confirm, yes: true },
    ]);
    expect(press(idle({ confirm }), ["", ENTER]).effects).toEqual([
      { kind: "confirmed", confirm, yes: false },
    ]);
  });
});

describe("global keys", () => {
  test("Shift+Tab walks default, accept-edits, plan and back, showing each in the footer at once", () => {
    const modes: string[] = [];
    let state = idle();
    for (let press = 0; press < 3; press++) {
      const step = keyStep(state, "", SHIFT_TAB, COMMANDS);
      state = step.state;
      modes.push(state.info.permissionMode);
      expect(step.effects).toEqual([{ kind: "set-permission-mode", mode: state.info.permissionMode }]);
    }
    expect(modes).toEqual(["accept-edits", "plan", "default"]);
  });

  test("Ctrl+O prints the last tool's whole output once", () => {
    const transcript = applyEvent(
      applyEvent(emptyTranscript(), { type: "tool-start", toolCallId: "t1", toolName: "Read", input: {} }, 0),
      {
        type: "tool-end",
        toolCallId: "t1",
        toolName: "Read",
        output: "lines",
        isError: false,
        durationMs: 5,
      },
      5,
    );
    const result = press(idle({ transcript }), ["o", CTRL]);
    expect(result.state.transcript.items.at(-1)).toMatchObject({ kind: "tool", expanded: true });
    expect(result.effects).toEqual([]);
  });

  test("Esc during a turn interrupts it and gives the queued messages back to the editor", () => {
    const result = press(idle({ busy: true, queue: ["second", "third"], editor: editorWithText("fourth") }), [
      "",
      ESCAPE,
    ]);
    expect(result.effects).toEqual([{ kind: "abort-turn" }]);
    expect(result.state.queue).toEqual([]);
    expect(result.state.editor.text).toBe("second\nthird\nfourth");
  });
});

describe("a burst of keys in one chunk", () => {
  test("text then Enter is two keys; an answer on one key lets the rest reach the editor", () => {
    expect(splitKeys("hi\r", NO_KEY)).toEqual([
      { input: "hi", key: NO_KEY },
      { input: "", key: ENTER },
    ]);
    let state = idle({ busy: true, pending: { id: 1, request: REQUEST } });
    const effects: UiEffect[] = [];
    forEachKey(
      "1next",
      NO_KEY,
      () => state,
      (input, key) => {
        const step = keyStep(state, input, key, COMMANDS);
        state = step.state;
        effects.push(...step.effects);
      },
    );
    expect(effects).toEqual([{ kind: "answer-permission", id: 1, answer: { decision: "allow-once" } }]);
    expect(state.editor.text).toBe("next");
  });
});
