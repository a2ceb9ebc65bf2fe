import type { Key } from "ink";
import {
  deleteBackward,
  deleteForward,
  deleteToLineEnd,
  deleteToLineStart,
  deleteWordBackward,
  type EditorState,
  insertText,
  moveLeft,
  moveLineEnd,
  moveLineStart,
  moveRight,
  moveVertical,
  moveWordLeft,
  moveWordRight,
  pasteText,
} from "./editor.ts";

export type EditorOutcome =
  | { kind: "edited"; state: EditorState }
  | { kind: "submit" }
  | { kind: "history"; direction: -1 | 1 }
  | { kind: "ignored" };

/**
 * One key press against the editor, as a pure function. Keys the editor does
 * not own (Esc, Tab, Ctrl+C …) come back "ignored" so the app can use them.
 */
export function editorKey(state: EditorState, input: string, key: Key): EditorOutcome {
  const edited = (next: EditorState): EditorOutcome => ({ kind: "edited", state: next });
  if (key.return) {
    // Shift+Enter (kitty protocol), Alt+Enter, or a trailing backslash: a new line instead of sending.
    if (key.shift || key.meta) return edited(insertText(state, "\n"));
    if (state.text.slice(0, state.cursor).endsWith("\\")) {
      return edited(insertText(deleteBackward(state), "\n"));
    }
    return { kind: "submit" };
  }
  if (key.upArrow) {
    const moved = moveVertical(state, -1);
    return moved ? edited(moved) : { kind: "history", direction: -1 };
  }
  if (key.downArrow) {
    const moved = moveVertical(state, 1);
    return moved ? edited(moved) : { kind: "history", direction: 1 };
  }
  if (key.leftArrow) return edited(key.ctrl || key.meta ? moveWordLeft(state) : moveLeft(state));
  if (key.rightArrow) return edited(key.ctrl || key.meta ? moveWordRight(state) : moveRight(state));
  if (key.home) return edited(moveLineStart(state));
  if (key.end) return edited(moveLineEnd(state));
  if (key.backspace) return edited(key.meta || key.ctrl ? deleteWordBackward(state) : deleteBackward(state));
  if (key.delete) {
    // Many terminals send DEL (0x7f) for Backspace, which Ink reports as delete; treat it as backspace at the end.
    return edited(state.cursor >= state.text.length ? deleteBackward(state) : deleteForward(state));
  }
  if (key.ctrl) {
    switch (input) {
      case "a":
        return edited(moveLineStart(state));
      case "e":
        return edited(moveLineEnd(state));
      case "b":
        return edited(moveLeft(state));
      case "f":
        return edited(moveRight(state));
      case "u":
        return edited(deleteToLineStart(state));
      case "k":
        return edited(deleteToLineEnd(state));
      case "w":
        return edited(deleteWordBackward(state));
      case "d":
        return edited(deleteForward(state));
      case "j":
        return edited(insertText(state, "\n"));
      default:
        return { kind: "ignored" };
    }
  }
  if (key.meta) {
    if (input === "b") return edited(moveWordLeft(state));
    if (input === "f") return edited(moveWordRight(state));
    return { kind: "ignored" };
  }
  if (key.escape || key.tab || input === "") return { kind: "ignored" };
  // Several characters in one chunk means a paste from a terminal without bracketed paste.
  if (input.length > 1 && (input.includes("\n") || input.includes("\r") || input.length > 40)) {
    return edited(pasteText(state, input));
  }
  return edited(insertText(state, input));
}

/** The editor's text with a visible block cursor, for rendering. */
export function editorLines(state: EditorState, cursorStyle: (character: string) => string): string[] {
  const before = state.text.slice(0, state.cursor);
  const atCursor = state.text.slice(state.cursor, state.cursor + 1);
  const after = state.text.slice(state.cursor + 1);
  const cursorCharacter = atCursor === "" || atCursor === "\n" ? " " : atCursor;
  const joined = before + cursorStyle(cursorCharacter) + (atCursor === "\n" ? "\n" : "") + after;
  return joined.split("\n");
}
