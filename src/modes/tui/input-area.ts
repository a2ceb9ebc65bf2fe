import { Box, Text } from "ink";
import { createElement as h, type ReactElement } from "react";
import type { PickerItem, PickerSpec } from "./commands.ts";
import type { EditorState } from "./editor.ts";
import { editorLines } from "./editor-keys.ts";
import type { PendingPermission } from "./permission-bridge.ts";
import type { Theme } from "./theme.ts";
import { isTrustQuestion, trustQuestionView } from "./trust-question.ts";
import type { ConfirmState } from "./ui-state.ts";
import { lines, type MenuEntry, menuView, permissionPromptView } from "./views.ts";

const CURSOR = (character: string) => `\u001b[7m${character}\u001b[27m`;

export interface InputAreaState {
  /** A permission question waiting for the user: it takes the whole input area. */
  pending: PendingPermission | undefined;
  permissionSelected: number;
  permissionArmed: boolean;
  denyReason: string | undefined;
  /** A yes/no question (forget a memory?): it takes the input area like a picker. */
  confirm: ConfirmState | undefined;
  /** A picker (/model, /resume, /memory …), its items already filtered. */
  picker: { spec: PickerSpec; selected: number; filter: string; items: PickerItem[] } | undefined;
  editor: EditorState;
  busy: boolean;
  /** The slash-command or @-mention completions under the editor, if any. */
  menu: MenuEntry[] | undefined;
  selectedIndex: number;
  width: number;
  theme: Theme;
}

/** The bottom of the screen: the permission prompt, a picker, or the editor with its completions. */
export function inputAreaView(state: InputAreaState): ReactElement {
  const { theme, width } = state;
  if (state.pending && isTrustQuestion(state.pending)) {
    const { pending, permissionSelected, permissionArmed, editor } = state;
    return trustQuestionView(pending, permissionSelected, permissionArmed, editor.text, width, theme);
  }
  if (state.pending) {
    return permissionPromptView(state.pending, state.permissionSelected, state.denyReason, width, theme);
  }
  if (state.confirm) {
    return h(
      Box,
      {
        flexDirection: "column",
        borderStyle: "round",
        borderColor: theme.color ? "yellow" : undefined,
        paddingX: 1,
      },
      h(Text, {}, `${theme.paint("bold", state.confirm.question)} (y/N)`),
      h(Text, {}, theme.paint("gray", "y yes · n, Enter or Esc no")),
    );
  }
  if (state.picker) {
    const { picker } = state;
    return h(
      Box,
      { flexDirection: "column", borderStyle: "round", paddingX: 1 },
      h(
        Text,
        {},
        `${theme.paint("bold", picker.spec.title)}${picker.filter ? theme.paint("gray", `  filter: ${picker.filter}`) : ""}`,
      ),
      picker.items.length === 0
        ? h(Text, {}, theme.paint("gray", picker.spec.emptyText ?? "Nothing to show."))
        : menuView(picker.items, picker.selected, width - 4, theme),
      h(Text, {}, theme.paint("gray", "↑↓ choose · Enter select · type to filter · Esc cancel")),
    );
  }
  const prompt = theme.paint(state.busy ? "gray" : "accent", "❯ ");
  const hint = state.busy
    ? "Type to queue a message for after this turn"
    : "Ask anything · / commands · @ files";
  const body =
    state.editor.text === ""
      ? [`${prompt}${CURSOR(" ")}${theme.paint("gray", hint)}`]
      : editorLines(state.editor, CURSOR).map((line, index) => (index === 0 ? prompt : "  ") + line);
  return h(
    Box,
    { flexDirection: "column" },
    h(Box, { borderStyle: "round", borderColor: theme.color ? "gray" : undefined, paddingX: 1 }, lines(body)),
    state.menu ? menuView(state.menu, state.selectedIndex, width, theme) : null,
  );
}
