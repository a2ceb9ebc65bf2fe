import type { Key } from "ink";
import type { AgentEvent } from "../../core/events.ts";
import type { PermissionMode } from "../../core/permission-mode.ts";
import {
  filterCommands,
  findCommand,
  type PickerItem,
  type PickerSpec,
  parseCommandLine,
  type SlashCommand,
} from "./commands.ts";
import {
  type EditorState,
  editorForPastPrompt,
  emptyEditor,
  type HistoryCursor,
  mentionAtCursor,
} from "./editor.ts";
import type { PermissionAnswer, TuiInfo } from "./host.ts";
import type { PendingPermission } from "./permission-bridge.ts";
import {
  appendItem,
  applyEvent,
  type NewTranscriptItem,
  startSession,
  type TranscriptState,
} from "./transcript.ts";
import { isTrustQuestion, TRUST_DEFAULT_CHOICE } from "./trust-question.ts";

/**
 * The whole TUI as data: the conversation on screen, the footer, the editor
 * and its menus, a picker or yes/no question, the permission question, the
 * running turn and its queue, and quitting. Every change is a pure step that
 * returns the next state and the effects for controller.ts to carry out
 * (start a turn, answer the gate, run a command). Each step is applied at
 * once, before the next key is read, so a burst of keys lands as if it had
 * been typed slowly. The keys themselves are stepped in key-handler.ts.
 */

export interface PickerState {
  spec: PickerSpec;
  selected: number;
  filter: string;
}

/** A yes/no question in the input area (forget a memory …); anything but "y" answers no. */
export interface ConfirmState {
  question: string;
  answer(yes: boolean): void;
}

export interface UiState {
  /** The scrollback and what is still streaming (transcript.ts). */
  transcript: TranscriptState;
  /** The footer's model, mode, context use and cost, as last read from the host. */
  info: TuiInfo;
  editor: EditorState;
  /** Past prompts, oldest first, as they stood in the editor (a big paste stays a placeholder). */
  history: EditorState[];
  historyCursor: HistoryCursor<EditorState>;
  menuSelected: number;
  /** Esc hid the slash or @ menu; typing brings it back. */
  menuDismissed: boolean;
  /** The host's answer for the last @ prefix asked about. */
  mentions: { prefix: string; paths: string[] };
  picker: PickerState | undefined;
  confirm: ConfirmState | undefined;
  pending: PendingPermission | undefined;
  permissionSelected: number;
  /** Whether keys may answer the question yet (the trust question waits a moment: trust-question.ts). */
  permissionArmed: boolean;
  /** Set while the user types why they deny (undefined: choosing among the options). */
  denyReason: string | undefined;
  busy: boolean;
  /** When the running turn started, for the time shown beside the spinner. */
  turnStartedAt: number;
  /** Prompts and commands typed during a turn, sent in order when it ends. */
  queue: string[];
  /** Ctrl-C once: the next Ctrl-C quits. */
  exitArmed: boolean;
  /** Quitting: the live area is cleared so no frame of it stays in the scrollback. */
  leaving: boolean;
  /** Quitting, and the running turn has stored what it had: exit once this frame is drawn. */
  exitReady: boolean;
}

export type UiAction =
  /** inChunk: not the first key of a chunk the terminal sent at once (a paste without brackets). */
  | { type: "key"; input: string; key: Key; inChunk?: boolean }
  | { type: "paste"; text: string }
  /** Text to handle as if typed and sent: the first prompt, /init's request. */
  | { type: "submit"; text: string }
  | { type: "turn-started"; at: number }
  /** One event of the running turn, from the agent loop. */
  | { type: "agent-event"; event: AgentEvent; now: number }
  | { type: "turn-ended"; aborted: boolean }
  /** Something to add to the conversation: a command's output or notice, a resumed conversation. */
  | { type: "print"; item: NewTranscriptItem }
  /** /new or /resume: what belonged to the old session no longer applies. */
  | { type: "session-changed" }
  | { type: "info"; info: TuiInfo }
  | { type: "permission-changed"; pending: PendingPermission | undefined }
  /** The question with this id may now be answered by keys. */
  | { type: "permission-armed"; id: number }
  | { type: "pick"; spec: PickerSpec }
  | { type: "confirm"; confirm: ConfirmState }
  | { type: "history-loaded"; entries: string[] }
  | { type: "mentions-found"; prefix: string; paths: string[] }
  | { type: "leave" }
  /** The running turn, if any, has settled after quitting (or taken too long to). */
  | { type: "exit-ready" };

export type UiEffect =
  | { kind: "start-turn"; prompt: string }
  | { kind: "run-command"; command: SlashCommand; argument: string }
  /** A sent prompt, for the history file. */
  | { kind: "save-history"; text: string }
  | { kind: "answer-permission"; id: number; answer: PermissionAnswer }
  | { kind: "picked"; spec: PickerSpec; value: string }
  | { kind: "confirmed"; confirm: ConfirmState; yes: boolean }
  | { kind: "abort-turn" }
  | { kind: "leave" }
  | { kind: "set-permission-mode"; mode: PermissionMode };

export interface Step {
  state: UiState;
  effects: UiEffect[];
}

export function initialUiState(start: {
  transcript: TranscriptState;
  info: TuiInfo;
  pending: PendingPermission | undefined;
}): UiState {
  return {
    transcript: start.transcript,
    info: start.info,
    editor: emptyEditor(),
    history: [],
    historyCursor: { index: -1, draft: undefined },
    menuSelected: 0,
    menuDismissed: false,
    mentions: { prefix: "", paths: [] },
    picker: undefined,
    confirm: undefined,
    pending: start.pending,
    permissionSelected: isTrustQuestion(start.pending) ? TRUST_DEFAULT_CHOICE : 0,
    permissionArmed: !isTrustQuestion(start.pending),
    denyReason: undefined,
    busy: false,
    turnStartedAt: 0,
    queue: [],
    exitArmed: false,
    leaving: false,
    exitReady: false,
  };
}

export function unchanged(state: UiState): Step {
  return { state, effects: [] };
}

/** A line in the conversation from tacit itself (not the model): a warning, a command's answer. */
function withNotice(state: UiState, level: "info" | "warning" | "error", text: string): UiState {
  return { ...state, transcript: appendItem(state.transcript, { kind: "notice", level, text }) };
}

/** Every action but keys and pastes (those are in key-handler.ts). */
export function uiStep(
  state: UiState,
  action: Exclude<UiAction, { type: "key" } | { type: "paste" }>,
  commands: SlashCommand[],
): Step {
  switch (action.type) {
    case "submit":
      return submitStep(state, action.text, commands);
    case "turn-started":
      return unchanged({ ...state, turnStartedAt: action.at });
    case "agent-event":
      return unchanged({ ...state, transcript: applyEvent(state.transcript, action.event, action.now) });
    case "turn-ended": {
      const idle = { ...state, busy: false };
      const [next, ...rest] = idle.queue;
      // After an interrupt the queue went back to the editor (Esc) or is kept for the user to send.
      if (next === undefined || action.aborted) return unchanged(idle);
      return submitStep({ ...idle, queue: rest }, next, commands);
    }
    case "permission-changed":
      // A second question queued behind the first changes nothing on screen: keep what the user was typing.
      if (action.pending?.id === state.pending?.id) return unchanged(state);
      return unchanged({
        ...state,
        pending: action.pending,
        permissionSelected: isTrustQuestion(action.pending) ? TRUST_DEFAULT_CHOICE : 0,
        permissionArmed: !isTrustQuestion(action.pending),
        denyReason: undefined,
      });
    case "permission-armed":
      if (action.id !== state.pending?.id) return unchanged(state);
      return unchanged({ ...state, permissionArmed: true });
    case "pick":
      return unchanged({
        ...state,
        picker: { spec: action.spec, selected: initialSelection(action.spec), filter: "" },
      });
    case "confirm":
      return unchanged({ ...state, confirm: action.confirm });
    case "history-loaded":
      // Prompts sent before the file finished loading stay the newest.
      return unchanged({ ...state, history: [...action.entries.map(editorForPastPrompt), ...state.history] });
    case "mentions-found":
      return unchanged({ ...state, mentions: { prefix: action.prefix, paths: action.paths.slice(0, 50) } });
    case "print":
      return unchanged({ ...state, transcript: appendItem(state.transcript, action.item) });
    case "session-changed":
      return unchanged({ ...state, transcript: startSession(state.transcript) });
    case "info":
      return unchanged({ ...state, info: action.info });
    case "leave":
      if (state.leaving) return unchanged(state);
      return { state: { ...state, leaving: true }, effects: [{ kind: "leave" }] };
    case "exit-ready":
      return unchanged({ ...state, exitReady: true });
  }
}

/** A line the user sent: a slash command runs (or waits for the turn), anything else is a prompt. */
export function submitStep(state: UiState, text: string, commands: SlashCommand[]): Step {
  const trimmed = text.trim();
  if (trimmed === "") return unchanged(state);
  const parsed = parseCommandLine(trimmed);
  if (parsed) {
    const command = findCommand(commands, parsed.name);
    if (!command)
      return unchanged(withNotice(state, "warning", `Unknown command /${parsed.name}; /help lists them.`));
    if (state.busy && !command.whileRunning) return unchanged({ ...state, queue: [...state.queue, trimmed] });
    return { state, effects: [{ kind: "run-command", command, argument: parsed.argument }] };
  }
  if (state.busy) return unchanged({ ...state, queue: [...state.queue, text] });
  // Busy from this step on, so an Enter later in the same burst queues instead of starting a second turn.
  const transcript = appendItem(state.transcript, { kind: "user", text });
  return { state: { ...state, busy: true, transcript }, effects: [{ kind: "start-turn", prompt: text }] };
}

/** A new editor text reopens a dismissed menu and starts its selection at the top. */
export function withEditor(state: UiState, editor: EditorState): UiState {
  if (editor.text === state.editor.text) return { ...state, editor };
  return { ...state, editor, menuDismissed: false, menuSelected: 0 };
}

export type Menu =
  | { kind: "slash"; commands: SlashCommand[]; typed: string; selected: number }
  | { kind: "mention"; paths: string[]; selected: number };

/** The completion menu under the editor: slash commands for a bare `/word`, paths for an `@token`. */
export function menuOf(state: UiState, commands: SlashCommand[]): Menu | undefined {
  if (state.menuDismissed) return undefined;
  const clamp = (length: number) => Math.min(state.menuSelected, Math.max(0, length - 1));
  const slash = /^\/([\w-]*)$/.exec(state.editor.text);
  if (slash) {
    const matching = filterCommands(commands, slash[1]!);
    if (matching.length > 0)
      return { kind: "slash", commands: matching, typed: slash[1]!, selected: clamp(matching.length) };
  }
  const mention = mentionAtCursor(state.editor);
  if (mention && state.mentions.prefix === mention.prefix && state.mentions.paths.length > 0) {
    return { kind: "mention", paths: state.mentions.paths, selected: clamp(state.mentions.paths.length) };
  }
  return undefined;
}

export function menuLength(menu: Menu): number {
  return menu.kind === "slash" ? menu.commands.length : menu.paths.length;
}

/** Where a picker opens: on its initial value (the current level), so Enter keeps it; else the top. */
function initialSelection(spec: PickerSpec): number {
  const index =
    spec.initialValue === undefined ? -1 : spec.items.findIndex((item) => item.value === spec.initialValue);
  return Math.max(index, 0);
}

/** The picker's items that match what was typed to filter them. */
export function pickerItems(picker: PickerState): PickerItem[] {
  const filter = picker.filter.toLowerCase();
  if (!filter) return picker.spec.items;
  return picker.spec.items.filter((item) =>
    `${item.label} ${item.description ?? ""}`.toLowerCase().includes(filter),
  );
}
