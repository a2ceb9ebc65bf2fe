/**
 * The prompt editor as plain data and pure functions, so every key binding is
 * testable without a terminal. The cursor is an offset into text.
 */

export interface EditorState {
  text: string;
  cursor: number;
  /** Large pastes stand in the text as placeholders; the real text is kept here until submit. */
  pastes: Map<number, string>;
  nextPasteId: number;
}

const PASTE_MIN_CHARACTERS = 800;
const PASTE_MIN_LINES = 10;

export function emptyEditor(): EditorState {
  return { text: "", cursor: 0, pastes: new Map(), nextPasteId: 1 };
}

export function editorWithText(text: string): EditorState {
  return { ...emptyEditor(), text, cursor: text.length };
}

export function insertText(state: EditorState, inserted: string): EditorState {
  const text = state.text.slice(0, state.cursor) + inserted + state.text.slice(state.cursor);
  return { ...state, text, cursor: state.cursor + inserted.length };
}

/** A paste: short ones go in as typed; large ones become `[Pasted text #1 +42 lines]`. */
export function pasteText(state: EditorState, pasted: string): EditorState {
  const normalized = pasted.replace(/\r\n?/g, "\n");
  const lineCount = normalized.split("\n").length;
  if (normalized.length <= PASTE_MIN_CHARACTERS && lineCount <= PASTE_MIN_LINES)
    return insertText(state, normalized);
  const id = state.nextPasteId;
  const pastes = new Map(state.pastes);
  pastes.set(id, normalized);
  const placeholder = `[Pasted text #${id} +${lineCount} lines]`;
  return { ...insertText(state, placeholder), pastes, nextPasteId: id + 1 };
}

/** The text to send: placeholders swapped back for what was pasted. */
export function expandPastes(state: EditorState): string {
  return state.text.replace(
    /\[Pasted text #(\d+) \+\d+ lines\]/g,
    (match, id: string) => state.pastes.get(Number(id)) ?? match,
  );
}

export function deleteBackward(state: EditorState): EditorState {
  if (state.cursor === 0) return state;
  // A placeholder goes in one keystroke: half a placeholder would be neither text nor paste.
  const before = state.text.slice(0, state.cursor);
  const placeholder = /\[Pasted text #\d+ \+\d+ lines\]$/.exec(before);
  const length = placeholder ? placeholder[0].length : previousCharacterLength(before);
  return {
    ...state,
    text: state.text.slice(0, state.cursor - length) + state.text.slice(state.cursor),
    cursor: state.cursor - length,
  };
}

export function deleteForward(state: EditorState): EditorState {
  if (state.cursor >= state.text.length) return state;
  const length = nextCharacterLength(state.text.slice(state.cursor));
  return { ...state, text: state.text.slice(0, state.cursor) + state.text.slice(state.cursor + length) };
}

export function deleteWordBackward(state: EditorState): EditorState {
  const before = state.text.slice(0, state.cursor);
  const start = before.replace(/\S+\s*$|\s+$/, "").length;
  return { ...state, text: state.text.slice(0, start) + state.text.slice(state.cursor), cursor: start };
}

export function deleteToLineStart(state: EditorState): EditorState {
  const start = lineStart(state.text, state.cursor);
  const from = start === state.cursor && start > 0 ? start - 1 : start;
  return { ...state, text: state.text.slice(0, from) + state.text.slice(state.cursor), cursor: from };
}

export function deleteToLineEnd(state: EditorState): EditorState {
  const end = lineEnd(state.text, state.cursor);
  const to = end === state.cursor && end < state.text.length ? end + 1 : end;
  return { ...state, text: state.text.slice(0, state.cursor) + state.text.slice(to) };
}

export function moveLeft(state: EditorState): EditorState {
  return { ...state, cursor: state.cursor - previousCharacterLength(state.text.slice(0, state.cursor)) };
}

export function moveRight(state: EditorState): EditorState {
  return { ...state, cursor: state.cursor + nextCharacterLength(state.text.slice(state.cursor)) };
}

export function moveWordLeft(state: EditorState): EditorState {
  const before = state.text.slice(0, state.cursor);
  return { ...state, cursor: before.replace(/\w+\W*$|\W+$/, "").length };
}

export function moveWordRight(state: EditorState): EditorState {
  const after = state.text.slice(state.cursor);
  const match = /^\W*\w+|^\W+/.exec(after);
  return { ...state, cursor: state.cursor + (match ? match[0].length : 0) };
}

export function moveLineStart(state: EditorState): EditorState {
  return { ...state, cursor: lineStart(state.text, state.cursor) };
}

export function moveLineEnd(state: EditorState): EditorState {
  return { ...state, cursor: lineEnd(state.text, state.cursor) };
}

/** Moves the cursor one line up or down; returns undefined at the first/last line (the caller then walks history). */
export function moveVertical(state: EditorState, direction: -1 | 1): EditorState | undefined {
  const start = lineStart(state.text, state.cursor);
  const column = state.cursor - start;
  if (direction === -1) {
    if (start === 0) return undefined;
    const previousStart = lineStart(state.text, start - 1);
    return { ...state, cursor: Math.min(previousStart + column, start - 1) };
  }
  const end = lineEnd(state.text, state.cursor);
  if (end >= state.text.length) return undefined;
  const nextStart = end + 1;
  return { ...state, cursor: Math.min(nextStart + column, lineEnd(state.text, nextStart)) };
}

function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf("\n", cursor - 1) + 1;
}

function lineEnd(text: string, cursor: number): number {
  const end = text.indexOf("\n", cursor);
  return end === -1 ? text.length : end;
}

function previousCharacterLength(before: string): number {
  if (before.length === 0) return 0;
  const code = before.charCodeAt(before.length - 1);
  return code >= 0xdc00 && code <= 0xdfff && before.length >= 2 ? 2 : 1;
}

function nextCharacterLength(after: string): number {
  if (after.length === 0) return 0;
  const code = after.charCodeAt(0);
  return code >= 0xd800 && code <= 0xdbff && after.length >= 2 ? 2 : 1;
}

/** The `@token` the cursor is in, for file completion. */
export function mentionAtCursor(state: EditorState): { start: number; prefix: string } | undefined {
  const before = state.text.slice(0, state.cursor);
  const match = /(^|\s)@([^\s@]*)$/.exec(before);
  if (!match) return undefined;
  const prefix = match[2]!;
  return { start: state.cursor - prefix.length - 1, prefix };
}

/** Replaces the `@token` at the cursor with the chosen path. */
export function completeMention(state: EditorState, path: string): EditorState {
  const mention = mentionAtCursor(state);
  if (!mention) return state;
  // A directory stays open for more completion; a file gets a space so typing can go on, and quotes
  // when its path has spaces (`@"my notes.txt"`), which is how the mention finds it again.
  const isFolder = path.endsWith("/");
  const written = !isFolder && /\s/.test(path) ? `"${path}"` : path;
  const replacement = `@${written}${isFolder ? "" : " "}`;
  const text = state.text.slice(0, mention.start) + replacement + state.text.slice(state.cursor);
  return { ...state, text, cursor: mention.start + replacement.length };
}

/**
 * Prompt history walking: index counts back from the newest entry; -1 is the
 * draft being written, kept whole (its pastes too) while the user looks back.
 */
export interface HistoryCursor<Entry> {
  index: number;
  draft: Entry | undefined;
}

export function historyStep<Entry>(
  entries: readonly Entry[],
  cursor: HistoryCursor<Entry>,
  current: Entry,
  direction: -1 | 1,
): { cursor: HistoryCursor<Entry>; entry: Entry } | undefined {
  const draft = cursor.index === -1 ? current : (cursor.draft ?? current);
  const index = cursor.index + (direction === -1 ? 1 : -1);
  if (index < -1 || index >= entries.length) return undefined;
  const entry = index === -1 ? draft : entries[entries.length - 1 - index]!;
  return { cursor: { index, draft }, entry };
}

/**
 * A past prompt back in the editor as it was first entered: a big paste is its
 * placeholder again, not a screen-filling box of text.
 */
export function editorForPastPrompt(text: string): EditorState {
  return pasteText(emptyEditor(), text);
}
