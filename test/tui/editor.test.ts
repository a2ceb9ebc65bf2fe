import { describe, expect, test } from "vitest";
import {
  completeMention,
  deleteBackward,
  editorWithText,
  emptyEditor,
  expandPastes,
  historyStep,
  insertText,
  mentionAtCursor,
  moveVertical,
  pasteText,
} from "../../src/modes/tui/editor.ts";
import { editorKey } from "../../src/modes/tui/editor-keys.ts";
import { NO_KEY, splitKeys } from "../../src/modes/tui/key-handler.ts";

const noKey = NO_KEY;

describe("editor", () => {
  test("typing inserts at the cursor and backspace removes one character", () => {
    let state = insertText(emptyEditor(), "helo");
    state = { ...state, cursor: 3 };
    state = insertText(state, "l");
    expect(state.text).toBe("hello");
    expect(state.cursor).toBe(4);
    expect(deleteBackward(state).text).toBe("helo");
  });

  test("Shift+Enter, Alt+Enter and a trailing backslash insert a newline; Enter submits", () => {
    const start = editorWithText("one");
    const shifted = editorKey(start, "\r", { ...noKey, return: true, shift: true });
    expect(shifted.kind === "edited" && shifted.state.text).toBe("one\n");
    const alt = editorKey(start, "\r", { ...noKey, return: true, meta: true });
    expect(alt.kind === "edited" && alt.state.text).toBe("one\n");
    const backslash = editorKey(editorWithText("one\\"), "\r", { ...noKey, return: true });
    expect(backslash.kind === "edited" && backslash.state.text).toBe("one\n");
    expect(editorKey(start, "\r", { ...noKey, return: true }).kind).toBe("submit");
  });

  test("an Enter at either end of a chunk is a key of its own; line breaks inside mean a paste", () => {
    const keys = (input: string) =>
      splitKeys(input, noKey).map((part) => (part.key.return ? "<Enter>" : part.input));
    expect(keys("fix it\r")).toEqual(["fix it", "<Enter>"]);
    // The Enter after a trailing backslash is stepped on its own, so it makes a new line.
    expect(keys("one\\\r")).toEqual(["one\\", "<Enter>"]);
    // Enter then a letter (tmux: Down Enter y): the Enter comes first, on its own.
    expect(keys("\ry")).toEqual(["<Enter>", "y"]);
    expect(keys("\r\rok\r")).toEqual(["<Enter>", "<Enter>", "ok", "<Enter>"]);
    expect(keys("a\rb\r")).toEqual(["a\rb\r"]);
    expect(keys("x")).toEqual(["x"]);
  });

  test("up and down move between lines, and fall through to history at the edges", () => {
    const state = editorWithText("first\nsecond");
    const up = moveVertical(state, -1);
    expect(up?.cursor).toBe(5);
    expect(moveVertical(up!, -1)).toBeUndefined();
    expect(moveVertical(state, 1)).toBeUndefined();
  });

  test("history walks back from the newest entry and returns to the draft", () => {
    const entries = ["old", "newer"];
    const first = historyStep(entries, { index: -1, draft: undefined }, "draft", -1)!;
    expect(first.entry).toBe("newer");
    const second = historyStep(entries, first.cursor, first.entry, -1)!;
    expect(second.entry).toBe("old");
    expect(historyStep(entries, second.cursor, second.entry, -1)).toBeUndefined();
    const back = historyStep(entries, second.cursor, second.entry, 1)!;
    const draft = historyStep(entries, back.cursor, back.entry, 1)!;
    expect(draft.entry).toBe("draft");
  });

  test("a large paste becomes a placeholder that expands on submit and deletes as one unit", () => {
    const pasted = Array.from({ length: 42 }, (_unused, index) => `line ${index}`).join("\n");
    const state = pasteText(insertText(emptyEditor(), "look: "), pasted);
    expect(state.text).toBe("look: [Pasted text #1 +42 lines]");
    expect(expandPastes(state)).toBe(`look: ${pasted}`);
    expect(deleteBackward(state).text).toBe("look: ");
    expect(pasteText(emptyEditor(), "short\npaste").text).toBe("short\npaste");
  });

  test("@ mentions are found at the cursor and completed with the chosen path", () => {
    const state = editorWithText("read @src/ap");
    expect(mentionAtCursor(state)).toEqual({ start: 5, prefix: "src/ap" });
    expect(completeMention(state, "src/app.ts").text).toBe("read @src/app.ts ");
    expect(completeMention(state, "src/agent/").text).toBe("read @src/agent/");
    expect(completeMention(state, "notes/my file.txt").text).toBe('read @"notes/my file.txt" ');
    expect(mentionAtCursor(editorWithText("mail me@example"))).toBeUndefined();
  });
});
