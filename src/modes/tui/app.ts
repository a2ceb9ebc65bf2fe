import { Box, Static, type StaticProps, useApp, useInput, usePaste, useStdout, useWindowSize } from "ink";
import { createElement as h, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { SLASH_COMMANDS, type SlashCommand } from "./commands.ts";
import { createTuiController } from "./controller.ts";
import { mentionAtCursor } from "./editor.ts";
import type { TuiInfo, TuiLaunch } from "./host.ts";
import { inputAreaView } from "./input-area.ts";
import { forEachKey } from "./key-handler.ts";
import { liveAreaViews } from "./live-area.ts";
import type { PermissionBridge } from "./permission-bridge.ts";
import type { Theme } from "./theme.ts";
import { appendItem, emptyTranscript, type TranscriptItem, type TranscriptState } from "./transcript.ts";
import { initialUiState, menuOf, pickerItems } from "./ui-state.ts";
import { footerView, oneLine, transcriptItemView } from "./views.ts";

export interface AppProps {
  launch: TuiLaunch;
  bridge: PermissionBridge;
  theme: Theme;
  initialPrompt?: string;
  version?: string;
  /** Extra or replacement slash commands (tests, future /init and /skills). */
  commands?: SlashCommand[];
}

/**
 * The TUI's React component: it draws the state the controller holds and
 * hands it keys. Everything the user does is a pure step (ui-state.ts,
 * key-handler.ts); the only React state here is about drawing (the spinner's
 * frame, reprinting after a resize).
 */
export function TuiApp(props: AppProps) {
  const { theme } = props;
  const app = useApp();
  const { columns } = useWindowSize();
  const width = Math.max(20, columns || 80);
  const staticGeneration = useReprintOnResize(width);

  const [controller] = useState(() => {
    const info = props.launch.placeholder;
    return createTuiController({
      launch: props.launch,
      bridge: props.bridge,
      commands: props.commands ?? SLASH_COMMANDS,
      initial: initialUiState({
        transcript: openingTranscript(info, theme, props.version),
        info,
        pending: props.bridge.current(),
      }),
      ...(props.initialPrompt ? { initialPrompt: props.initialPrompt } : {}),
      fail: (error) => app.exit(error),
    });
  });
  const ui = useSyncExternalStore(controller.subscribe, controller.getState);
  useEffect(() => controller.start(), [controller]);
  const tick = useTicking(ui.busy);

  // Quit only after the frame without the live area has been drawn, so none of it stays behind.
  useEffect(() => {
    if (ui.exitReady) app.exit();
  }, [ui.exitReady, app]);

  const mentionPrefix = mentionAtCursor(ui.editor)?.prefix;
  useEffect(() => {
    if (mentionPrefix !== undefined) return controller.findMentions(mentionPrefix);
  }, [controller, mentionPrefix]);

  // Keys Ink hands over in one go came in one chunk from the terminal (a paste it did not bracket):
  // all but the first are marked, so a question that must be answered by a person (the trust
  // question) takes none of them.
  const keysThisChunk = useRef(0);
  useInput((input, key) => {
    if (keysThisChunk.current === 0) queueMicrotask(() => (keysThisChunk.current = 0));
    forEachKey(input, key, controller.getState, (keyInput, keyFlags) => {
      const inChunk = keysThisChunk.current++ > 0;
      controller.dispatch({ type: "key", input: keyInput, key: keyFlags, ...(inChunk ? { inChunk } : {}) });
    });
  });
  usePaste((text) => controller.dispatch({ type: "paste", text }));

  // Static prints each item once, to the scrollback; it takes its render function as the children prop.
  const scrollbackProps: StaticProps<TranscriptItem> = {
    items: ui.transcript.items,
    children: (item) => transcriptItemView(item, width, theme),
  };
  const scrollback = h(Static<TranscriptItem>, { key: `static-${staticGeneration}`, ...scrollbackProps });
  // Quitting: only the conversation stays; the prompt and footer are erased, not left in the scrollback.
  if (ui.leaving) return h(Box, { flexDirection: "column" }, scrollback);

  const live = liveAreaViews({
    transcript: ui.transcript,
    busy: ui.busy,
    queue: ui.queue,
    turnStartedAt: ui.turnStartedAt,
    tick,
    now: Date.now(),
    width,
    theme,
  });

  const commands = props.commands ?? SLASH_COMMANDS;
  const menu = menuOf(ui, commands);
  const bottom = inputAreaView({
    pending: ui.pending,
    permissionSelected: ui.permissionSelected,
    permissionArmed: ui.permissionArmed,
    denyReason: ui.denyReason,
    confirm: ui.confirm,
    picker: ui.picker ? { ...ui.picker, items: pickerItems(ui.picker) } : undefined,
    editor: ui.editor,
    busy: ui.busy,
    menu:
      menu?.kind === "slash"
        ? menu.commands.map((command) => ({
            // The hint says what to type after the name, as /help shows it.
            label: `/${command.name}${command.argumentHint ? ` ${command.argumentHint}` : ""}`,
            description: command.description,
          }))
        : menu?.paths.map((path) => ({ label: path })),
    selectedIndex: menu?.selected ?? 0,
    width,
    theme,
  });

  const hint = ui.exitArmed
    ? "Press Ctrl-C again to exit"
    : ui.busy
      ? `esc to interrupt${ui.queue.length > 0 ? ` · ${ui.queue.length} queued` : ""}`
      : "/help · shift+tab mode · ctrl+o expand tool · ctrl+c twice quit";

  return h(
    Box,
    { flexDirection: "column" },
    scrollback,
    ...live,
    bottom,
    footerView(ui.info, ui.transcript.recalled.length, hint, width, theme),
  );
}

function openingTranscript(info: TuiInfo, theme: Theme, version: string | undefined): TranscriptState {
  return appendItem(emptyTranscript(), {
    kind: "banner",
    lines: [
      `${theme.paint(["bold", "accent"], "✻ tacit")}${version ? theme.paint("gray", ` ${version}`) : ""} ${theme.paint("gray", "· a coding agent that remembers")}`,
      // A repository's settings name the model, and a clone's folder name is the cloner's choice.
      theme.paint("gray", [info.model, info.cwd].filter(Boolean).map(oneLine).join(" · ")),
      theme.paint("gray", "/help for commands · @ to mention files · shift+tab to change permission mode"),
    ],
  });
}

/**
 * When the width changes the terminal re-wraps what is on screen, so Ink can no
 * longer erase its last frame line by line. Clear the screen and print the whole
 * conversation again at the new width: the returned generation keys Static, and
 * a new key remounts it, which reprints.
 */
function useReprintOnResize(width: number): number {
  const { stdout } = useStdout();
  const [printed, setPrinted] = useState({ width, generation: 0 });
  useEffect(() => {
    if (width === printed.width) return;
    const timer = setTimeout(() => {
      // Clear the screen, not the scrollback: what the user had before tacit stays theirs.
      stdout.write("\u001b[2J\u001b[H");
      setPrinted((previous) => ({ width, generation: previous.generation + 1 }));
    }, 120);
    return () => clearTimeout(timer);
  }, [width, printed.width, stdout]);
  return printed.generation;
}

/** The spinner's frame: it moves only while something runs, so an idle TUI does not redraw. */
function useTicking(running: boolean): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((value) => value + 1), 100);
    return () => clearInterval(timer);
  }, [running]);
  return tick;
}
