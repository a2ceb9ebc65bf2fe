import type { Key } from "ink";
import { nextPermissionMode } from "../../core/permission-mode.ts";
import { findCommand, type SlashCommand } from "./commands.ts";
import {
  completeMention,
  type EditorState,
  editorWithText,
  emptyEditor,
  expandPastes,
  historyStep,
  pasteText,
} from "./editor.ts";
import { editorKey } from "./editor-keys.ts";
import type { PermissionAnswer } from "./host.ts";
import type { PendingPermission } from "./permission-bridge.ts";
import { appendItem, expandLastTool } from "./transcript.ts";
import { isTrustQuestion, trustKey } from "./trust-question.ts";
import {
  type ConfirmState,
  type Menu,
  menuLength,
  menuOf,
  type PickerState,
  pickerItems,
  type Step,
  submitStep,
  type UiEffect,
  type UiState,
  unchanged,
  withEditor,
} from "./ui-state.ts";

/**
 * One key against the UI state, as a pure function. Whatever has the input
 * area answers it, in this order: Ctrl-C, the permission question, a yes/no
 * question, a picker, the global keys, the completion menu, the editor.
 */

/** No key flag set: what Ink reports for plain text. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Ink hands over a burst of typing as one chunk: tmux send-keys, a fast typist
 * or a script deliver "text\r" or "\rtext" together. An Enter at either end of
 * the text is a key of its own, stepped after (or before) the text, so after
 * `one\` it makes a new line like any Enter, and in a picker it picks before
 * the next letter arrives. Line breaks inside the text mean a paste from a
 * terminal without bracketed paste: that part stays whole.
 */
export function splitKeys(input: string, key: Key): Array<{ input: string; key: Key }> {
  const plain = !key.ctrl && !key.meta && !key.escape && !key.return;
  if (!plain || input.length < 2 || !input.includes("\r")) return [{ input, key }];
  const enter = { input: "", key: { ...NO_KEY, return: true } };
  const keys: Array<{ input: string; key: Key }> = [];
  let rest = input;
  while (rest.startsWith("\r")) {
    keys.push(enter);
    rest = rest.slice(1);
  }
  if (rest.endsWith("\r") && !/[\r\n]/.test(rest.slice(0, -1))) {
    keys.push({ input: rest.slice(0, -1), key }, enter);
  } else if (rest !== "") {
    keys.push({ input: rest, key });
  }
  return keys;
}

/**
 * Steps every key of a chunk (after splitKeys) in order. Text goes whole to a
 * text field (the editor, a deny reason, a picker's filter), but one
 * character at a time to a question that answers on one key (allow 1-3, y/N),
 * so what was typed after the answer reaches whatever comes next.
 */
export function forEachKey(
  input: string,
  key: Key,
  current: () => UiState,
  step: (input: string, key: Key) => void,
): void {
  for (const part of splitKeys(input, key)) {
    let text = part.input;
    const plain = !part.key.ctrl && !part.key.meta && !part.key.escape && !part.key.return;
    while (plain && text.length > 1 && answersOnOneKey(current())) {
      const first = String.fromCodePoint(text.codePointAt(0)!);
      step(first, part.key);
      text = text.slice(first.length);
    }
    step(text, part.key);
  }
}

function answersOnOneKey(state: UiState): boolean {
  return (
    !state.leaving &&
    (state.confirm !== undefined ||
      (state.pending !== undefined && state.denyReason === undefined && !isTrustQuestion(state.pending)))
  );
}

export function keyStep(
  state: UiState,
  input: string,
  key: Key,
  commands: SlashCommand[],
  inChunk = false,
): Step {
  if (state.leaving) return unchanged(state);
  if (key.ctrl && input === "c") return ctrlC(state);
  const current = state.exitArmed ? { ...state, exitArmed: false } : state;
  if (current.pending && isTrustQuestion(current.pending))
    return trustQuestionKey(current, current.pending, input, key, commands, inChunk);
  if (current.pending) return permissionKey(current, current.pending, input, key);
  if (current.confirm) return confirmKey(current, current.confirm, input, key);
  if (current.picker) return pickerKey(current, current.picker, input, key);
  // Ctrl+D on an empty prompt quits, as end of input does in a shell or a REPL; not during a turn.
  if (key.ctrl && input === "d" && current.editor.text === "" && !current.busy)
    return { state: { ...current, leaving: true }, effects: [{ kind: "leave" }] };
  if (key.tab && key.shift) return cyclePermissionMode(current);
  if (key.ctrl && input === "o")
    return unchanged({ ...current, transcript: expandLastTool(current.transcript) });
  const menu = menuOf(current, commands);
  if (key.escape) return escapeKey(current, menu !== undefined);
  if (menu) {
    const handled = menuKey(current, menu, key, commands);
    if (handled) return handled;
  }
  return editorStep(current, input, key, commands);
}

/** A paste (bracketed, so never mistaken for keys): into the deny reason or the editor. */
export function pasteStep(state: UiState, text: string): Step {
  if (state.leaving) return unchanged(state);
  if (state.pending && state.denyReason !== undefined)
    return unchanged({ ...state, denyReason: state.denyReason + text.replace(/\s+/g, " ") });
  if ((state.pending && !isTrustQuestion(state.pending)) || state.picker || state.confirm)
    return unchanged(state);
  return unchanged(withEditor(state, pasteText(state.editor, text)));
}

/** Ctrl-C: stop what is running; otherwise close, clear, then arm quitting; twice quits. */
function ctrlC(state: UiState): Step {
  const effects: UiEffect[] = [];
  let next = state;
  if (state.pending) {
    effects.push(answer(state.pending, { decision: "deny", reason: "interrupted" }));
    next = withoutQuestion(next);
  }
  if (state.busy) {
    effects.push({ kind: "abort-turn" });
    return { state: { ...next, exitArmed: true }, effects };
  }
  if (next.confirm) {
    effects.push({ kind: "confirmed", confirm: next.confirm, yes: false });
    return { state: { ...next, confirm: undefined }, effects };
  }
  if (next.picker) return { state: { ...next, picker: undefined }, effects };
  if (next.editor.text !== "") return { state: withEditor(next, emptyEditor()), effects };
  if (next.exitArmed) return { state: { ...next, leaving: true }, effects: [...effects, { kind: "leave" }] };
  return { state: { ...next, exitArmed: true }, effects };
}

/** Shift+Tab: the footer shows the next mode at once; the host is told in the effect. */
function cyclePermissionMode(state: UiState): Step {
  const mode = nextPermissionMode(state.info.permissionMode);
  return {
    state: { ...state, info: { ...state.info, permissionMode: mode } },
    effects: [{ kind: "set-permission-mode", mode }],
  };
}

function answer(pending: PendingPermission, decision: PermissionAnswer): UiEffect {
  return { kind: "answer-permission", id: pending.id, answer: decision };
}

/** The question is answered: the bridge says which one (if any) comes next. */
function withoutQuestion(state: UiState): UiState {
  return { ...state, pending: undefined, permissionSelected: 0, denyReason: undefined };
}

function permissionKey(state: UiState, pending: PendingPermission, input: string, key: Key): Step {
  const { denyReason } = state;
  if (denyReason !== undefined) {
    if (key.return) {
      const reason = denyReason.trim();
      return {
        state: withoutQuestion(state),
        effects: [answer(pending, { decision: "deny", ...(reason ? { reason } : {}) })],
      };
    }
    if (key.escape) return unchanged({ ...state, denyReason: undefined });
    if (key.backspace || key.delete) return unchanged({ ...state, denyReason: denyReason.slice(0, -1) });
    if (input && !key.ctrl && !key.meta)
      return unchanged({ ...state, denyReason: denyReason + input.replace(/[\r\n]+/g, " ") });
    return unchanged(state);
  }
  const choose = (index: number): Step => {
    if (index === 2) return unchanged({ ...state, denyReason: "" });
    const decision = index === 0 ? "allow-once" : "allow-always";
    return { state: withoutQuestion(state), effects: [answer(pending, { decision })] };
  };
  if (key.upArrow) return unchanged({ ...state, permissionSelected: (state.permissionSelected + 2) % 3 });
  if (key.downArrow || key.tab)
    return unchanged({ ...state, permissionSelected: (state.permissionSelected + 1) % 3 });
  if (key.return) return choose(state.permissionSelected);
  if (key.escape) return { state: withoutQuestion(state), effects: [answer(pending, { decision: "deny" })] };
  if (input === "1" || input === "2" || input === "3") return choose(Number(input) - 1);
  return unchanged(state);
}

/**
 * The start-up trust question: typing goes on into the editor; only Enter, Esc and arrows answer, once
 * armed, and only keys that came alone (a paste the terminal did not bracket, "\e[A\r", answers nothing).
 */
function trustQuestionKey(
  state: UiState,
  pending: PendingPermission,
  input: string,
  key: Key,
  commands: SlashCommand[],
  inChunk: boolean,
): Step {
  const outcome = trustKey(state.permissionSelected, state.permissionArmed && !inChunk, input, key);
  if (outcome.kind === "type") return editorStep(state, input, key, commands);
  if (outcome.kind === "move") return unchanged({ ...state, permissionSelected: outcome.selected });
  if (outcome.kind === "ignore") return unchanged(state);
  const decisions = ["allow-once", "allow-always", "deny"] as const;
  // An Enter typed ahead was dropped (it could not tell a prompt from an answer): say the prompt waits.
  const answered = withoutQuestion(state);
  const waiting =
    state.editor.text.trim() === ""
      ? answered
      : {
          ...answered,
          transcript: appendItem(answered.transcript, {
            kind: "notice",
            level: "info",
            text: "The prompt you typed is still in the editor: Enter sends it.",
          }),
        };
  return {
    state: waiting,
    effects: [answer(pending, { decision: decisions[outcome.choice] ?? "deny" })],
  };
}

/** y confirms; n, Enter and Esc say no (the safe default); other keys wait. */
function confirmKey(state: UiState, confirm: ConfirmState, input: string, key: Key): Step {
  const yes = !key.ctrl && !key.meta && (input === "y" || input === "Y");
  const no = key.return || key.escape || (!key.ctrl && !key.meta && (input === "n" || input === "N"));
  if (!yes && !no) return unchanged(state);
  return { state: { ...state, confirm: undefined }, effects: [{ kind: "confirmed", confirm, yes }] };
}

function pickerKey(state: UiState, picker: PickerState, input: string, key: Key): Step {
  const items = pickerItems(picker);
  const withPicker = (next: Partial<PickerState>) => unchanged({ ...state, picker: { ...picker, ...next } });
  if (key.escape) return unchanged({ ...state, picker: undefined });
  if (key.upArrow) return withPicker({ selected: Math.max(0, picker.selected - 1) });
  if (key.downArrow || key.tab)
    return withPicker({ selected: Math.max(0, Math.min(items.length - 1, picker.selected + 1)) });
  if (key.return) {
    const item = items[picker.selected];
    const closed = { ...state, picker: undefined };
    if (!item) return unchanged(closed);
    return { state: closed, effects: [{ kind: "picked", spec: picker.spec, value: item.value }] };
  }
  if (key.backspace || key.delete) return withPicker({ filter: picker.filter.slice(0, -1), selected: 0 });
  if (input && !key.ctrl && !key.meta) return withPicker({ filter: picker.filter + input, selected: 0 });
  return unchanged(state);
}

/** Esc hides a menu, or interrupts the turn and gives the queued messages back to the editor. */
function escapeKey(state: UiState, menuShown: boolean): Step {
  if (menuShown) return unchanged({ ...state, menuDismissed: true });
  if (!state.busy) return unchanged(state);
  // After an interrupt the user usually wants to rethink what they queued.
  if (state.queue.length === 0) return { state, effects: [{ kind: "abort-turn" }] };
  const restored = [...state.queue, state.editor.text].filter((part) => part !== "").join("\n");
  return {
    state: withEditor({ ...state, queue: [] }, editorWithText(restored)),
    effects: [{ kind: "abort-turn" }],
  };
}

/** Up/Down move in the menu, Tab completes, Enter runs the command or takes the path; undefined: not a menu key. */
function menuKey(state: UiState, menu: Menu, key: Key, commands: SlashCommand[]): Step | undefined {
  const last = menuLength(menu) - 1;
  if (key.upArrow) return unchanged({ ...state, menuSelected: Math.max(0, menu.selected - 1) });
  if (key.downArrow) return unchanged({ ...state, menuSelected: Math.min(last, menu.selected + 1) });
  const completed = (): EditorState => {
    if (menu.kind === "mention") return completeMention(state.editor, menu.paths[menu.selected]!);
    const command = menu.commands[menu.selected]!;
    return editorWithText(`/${command.name}${command.argumentHint ? " " : ""}`);
  };
  if (key.tab) return unchanged(withEditor(state, completed()));
  if (!key.return || key.shift || key.meta) return undefined;
  if (menu.kind === "mention") return unchanged(withEditor(state, completed()));
  // Enter runs the highlighted command, unless what was typed is itself a full command name.
  const chosen = findCommand(commands, menu.typed) ?? menu.commands[menu.selected]!;
  return submitStep(withEditor(state, emptyEditor()), `/${chosen.name}`, commands);
}

function editorStep(state: UiState, input: string, key: Key, commands: SlashCommand[]): Step {
  const outcome = editorKey(state.editor, input, key);
  if (outcome.kind === "edited") {
    return unchanged(withEditor({ ...state, historyCursor: { index: -1, draft: undefined } }, outcome.state));
  }
  if (outcome.kind === "history") {
    const step = historyStep(state.history, state.historyCursor, state.editor, outcome.direction);
    if (!step) return unchanged(state);
    return unchanged(withEditor({ ...state, historyCursor: step.cursor }, step.entry));
  }
  if (outcome.kind !== "submit") return unchanged(state);
  const text = expandPastes(state.editor);
  if (text.trim() === "") return unchanged(state);
  const last = state.history[state.history.length - 1];
  const repeated = last !== undefined && expandPastes(last) === text;
  const sent: UiState = {
    ...withEditor(state, emptyEditor()),
    historyCursor: { index: -1, draft: undefined },
    history: repeated
      ? state.history
      : [...state.history, { ...state.editor, cursor: state.editor.text.length }],
  };
  const step = submitStep(sent, text, commands);
  return repeated ? step : { ...step, effects: [{ kind: "save-history", text }, ...step.effects] };
}
