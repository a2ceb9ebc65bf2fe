import { Box, Static, useApp, useInput, usePaste, useStdout, useWindowSize } from "ink";
import { createElement as h, useCallback, useEffect, useReducer, useRef, useState } from "react";
import { errorMessage, isAbortError } from "../../core/errors.ts";
import type { AgentEvent, RecalledItem } from "../../core/events.ts";
import { type CommandContext, runCommand, SLASH_COMMANDS, type SlashCommand } from "./commands.ts";
import { mentionAtCursor } from "./editor.ts";
import { PERMISSION_MODE_CYCLE, type TranscriptLine, type TuiHost, type TuiInfo } from "./host.ts";
import { inputAreaView } from "./input-area.ts";
import { forEachKey, keyStep, pasteStep } from "./key-handler.ts";
import { liveAreaViews } from "./live-area.ts";
import type { PermissionBridge } from "./permission-bridge.ts";
import type { Theme } from "./theme.ts";
import {
  appendItem,
  applyEvent,
  emptyTranscript,
  expandLastTool,
  startSession,
  type TranscriptItem,
  type TranscriptState,
} from "./transcript.ts";
import {
  initialUiState,
  menuOf,
  pickerItems,
  type Step,
  type UiAction,
  type UiEffect,
  type UiState,
  uiStep,
} from "./ui-state.ts";
import { footerView, transcriptItemView } from "./views.ts";

export interface AppProps {
  host: TuiHost;
  bridge: PermissionBridge;
  theme: Theme;
  initialPrompt?: string;
  version?: string;
  /** Extra or replacement slash commands (tests, future /init and /skills). */
  commands?: SlashCommand[];
}

type TranscriptAction =
  | { type: "event"; event: AgentEvent; now: number }
  | { type: "append"; item: Parameters<typeof appendItem>[1] }
  | { type: "expand-last-tool" }
  | { type: "session-changed" };

function transcriptReducer(state: TranscriptState, action: TranscriptAction): TranscriptState {
  if (action.type === "event") return applyEvent(state, action.event, action.now);
  if (action.type === "append") return appendItem(state, action.item);
  if (action.type === "expand-last-tool") return expandLastTool(state);
  return startSession(state);
}

export function TuiApp(props: AppProps) {
  const { host, bridge, theme } = props;
  const commands = props.commands ?? SLASH_COMMANDS;
  const app = useApp();
  const { columns } = useWindowSize();
  const width = Math.max(20, columns || 80);
  const { stdout } = useStdout();
  // When the width changes the terminal re-wraps what is on screen, so Ink can no
  // longer erase its last frame line by line. Clear the screen and print the whole
  // conversation again at the new width (a new key remounts Static, which reprints).
  const [staticGeneration, setStaticGeneration] = useState(0);
  const renderedWidth = useRef(width);
  useEffect(() => {
    if (width === renderedWidth.current) return;
    const timer = setTimeout(() => {
      renderedWidth.current = width;
      // Clear the screen, not the scrollback: what the user had before tacit stays theirs.
      stdout.write("\u001b[2J\u001b[H");
      setStaticGeneration((generation) => generation + 1);
    }, 120);
    return () => clearTimeout(timer);
  }, [width, stdout]);

  const [transcript, dispatchTranscript] = useReducer(transcriptReducer, undefined, () => {
    const info = host.info();
    return appendItem(emptyTranscript(), {
      kind: "banner",
      lines: [
        `${theme.paint(["bold", "accent"], "✻ tacit")}${props.version ? theme.paint("gray", ` ${props.version}`) : ""} ${theme.paint("gray", "· a coding agent that remembers")}`,
        theme.paint("gray", [info.model, info.cwd].filter(Boolean).join(" · ")),
        theme.paint("gray", "/help for commands · @ to mention files · shift+tab to change permission mode"),
      ],
    });
  });
  const recalledRef = useRef<RecalledItem[]>([]);
  recalledRef.current = transcript.recalled;
  const [info, setInfo] = useState<TuiInfo>(() => host.info());
  const [tick, setTick] = useState(0);
  const [turnStartedAt, setTurnStartedAt] = useState(0);
  /** Set once the live area is cleared and the running turn has stored what it had. */
  const [exitReady, setExitReady] = useState(false);
  const controller = useRef<AbortController | undefined>(undefined);
  /** Settles when the running turn has finished (and stored what it had). */
  const turnFinished = useRef<Promise<void> | undefined>(undefined);

  // The UI state lives in a ref that each step replaces at once, so the next key of a burst
  // sees what the previous one did; the React state copy is only there to re-render.
  const [ui, setUi] = useState<UiState>(() => initialUiState(bridge.current()));
  const uiRef = useRef(ui);
  const runEffectRef = useRef<(effect: UiEffect) => void>(() => {});
  const dispatch = useCallback(
    (action: UiAction) => {
      const step = reduceUi(uiRef.current, action, commands);
      uiRef.current = step.state;
      setUi(step.state);
      for (const effect of step.effects) runEffectRef.current(effect);
    },
    [commands],
  );

  const refreshInfo = useCallback(() => setInfo(host.info()), [host]);
  const printTranscriptLines = useCallback((transcriptLines: TranscriptLine[]) => {
    for (const line of transcriptLines) {
      dispatchTranscript({
        type: "append",
        item:
          line.role === "user"
            ? { kind: "user", text: line.text }
            : { kind: "assistant", text: line.text, continued: false },
      });
    }
  }, []);
  const notify = useCallback(
    (level: "info" | "warning" | "error", text: string) =>
      dispatchTranscript({ type: "append", item: { kind: "notice", level, text } }),
    [],
  );

  useEffect(() => {
    const changed = () => dispatch({ type: "permission-changed", pending: bridge.current() });
    const unsubscribe = bridge.subscribe(changed);
    changed();
    return unsubscribe;
  }, [bridge, dispatch]);

  // The spinner and elapsed times move only while something runs, so an idle TUI does not redraw.
  useEffect(() => {
    if (!ui.busy) return;
    const timer = setInterval(() => setTick((value) => value + 1), 100);
    return () => clearInterval(timer);
  }, [ui.busy]);

  // Quit only after the frame without the live area has been drawn, so none of it stays behind.
  useEffect(() => {
    if (exitReady) app.exit();
  }, [exitReady, app]);

  const startTurn = async (prompt: string) => {
    let settle = () => {};
    turnFinished.current = new Promise<void>((resolve) => {
      settle = resolve;
    });
    setTurnStartedAt(Date.now());
    dispatchTranscript({ type: "append", item: { kind: "user", text: prompt } });
    const abort = new AbortController();
    controller.current = abort;
    let sawDone = false;
    try {
      for await (const event of host.submit(prompt, abort.signal)) {
        if (event.type === "done") sawDone = true;
        dispatchTranscript({ type: "event", event, now: Date.now() });
        if (event.type === "usage" || event.type === "turn-end" || event.type === "done") refreshInfo();
      }
    } catch (error) {
      if (!isAbortError(error) && !abort.signal.aborted) notify("error", errorMessage(error));
    }
    if (!sawDone) {
      dispatchTranscript({
        type: "event",
        event: {
          type: "done",
          reason: abort.signal.aborted ? "aborted" : "stop",
          usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
          costUsd: 0,
          turns: 0,
        },
        now: Date.now(),
      });
    }
    controller.current = undefined;
    turnFinished.current = undefined;
    settle();
    refreshInfo();
    dispatch({ type: "turn-ended", aborted: abort.signal.aborted });
  };

  const leave = () => {
    controller.current?.abort();
    bridge.denyAll("the user quit");
    // Let the interrupted turn store what it has (its partial answer) before the runtime
    // closes behind the TUI; a turn that will not settle does not hold the exit for long.
    // (unref: the wait must not itself keep the process alive after the turn has settled).
    const running = turnFinished.current ?? Promise.resolve();
    const patience = new Promise((resolve) => setTimeout(resolve, 3_000).unref());
    void Promise.race([running, patience]).then(() => setExitReady(true));
  };

  const commandContext = (argument: string): CommandContext => ({
    host,
    argument,
    commands,
    recalled: recalledRef.current,
    print: (text, markdown = false) =>
      dispatchTranscript({ type: "append", item: { kind: "output", text, markdown } }),
    notify,
    printTranscript: printTranscriptLines,
    pick: (spec) => dispatch({ type: "pick", spec }),
    confirm: (question) =>
      new Promise<boolean>((resolve) =>
        dispatch({ type: "confirm", confirm: { question, answer: resolve } }),
      ),
    sessionChanged: () => dispatchTranscript({ type: "session-changed" }),
    submitPrompt: (text) => dispatch({ type: "submit", text }),
    refreshInfo,
    exit: () => dispatch({ type: "leave" }),
  });

  runEffectRef.current = (effect: UiEffect) => {
    switch (effect.kind) {
      case "start-turn":
        return void startTurn(effect.prompt);
      case "run-command":
        return void runCommand(effect.command, commandContext(effect.argument));
      case "notify":
        return notify(effect.level, effect.text);
      case "save-history":
        return void host.history.append(effect.text).catch(() => {});
      case "answer-permission":
        return bridge.answer(effect.id, effect.answer);
      case "picked":
        // Called at once, so a picker it opens takes the next key of the same burst.
        try {
          return void Promise.resolve(effect.spec.onSelect(effect.value)).catch((error: unknown) =>
            notify("error", errorMessage(error)),
          );
        } catch (error) {
          return notify("error", errorMessage(error));
        }
      case "confirmed":
        return effect.confirm.answer(effect.yes);
      case "abort-turn":
        return controller.current?.abort();
      case "leave":
        return leave();
      case "cycle-permission-mode": {
        const position = PERMISSION_MODE_CYCLE.indexOf(host.info().permissionMode);
        const next = PERMISSION_MODE_CYCLE[(position + 1) % PERMISSION_MODE_CYCLE.length]!;
        host.setPermissionMode(next);
        return setInfo({ ...host.info(), permissionMode: next });
      }
      case "expand-last-tool":
        return dispatchTranscript({ type: "expand-last-tool" });
    }
  };

  // Load prompt history once, then send the initial prompt (if any).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once at mount.
  useEffect(() => {
    let cancelled = false;
    host.history
      .load()
      .then((entries) => {
        if (!cancelled) dispatch({ type: "history-loaded", entries });
      })
      .catch(() => {});
    // `tacit "…"`: sent once the continued conversation (if any) is on screen, so it reads in order.
    const sendInitialPrompt = () => {
      if (props.initialPrompt) dispatch({ type: "submit", text: props.initialPrompt });
    };
    // The prompt is drawn before the host has started; show the real model and mode once it has,
    // and leave with its error if it cannot start (a missing key, a malformed settings file).
    const showStartupNotices = () => {
      const resumed = host.startupTranscript?.() ?? [];
      if (resumed.length > 0) {
        notify("info", "Continuing this conversation:");
        printTranscriptLines(resumed);
      }
      for (const text of host.startupNotices?.() ?? []) notify("warning", text);
    };
    if (host.ready) {
      host.ready.then(
        () => {
          if (cancelled) return;
          refreshInfo();
          showStartupNotices();
          sendInitialPrompt();
        },
        (error: unknown) => app.exit(error instanceof Error ? error : new Error(String(error))),
      );
    } else {
      showStartupNotices();
      sendInitialPrompt();
    }
    return () => {
      cancelled = true;
    };
  }, []);

  const mentionPrefix = mentionAtCursor(ui.editor)?.prefix;
  useEffect(() => {
    if (mentionPrefix === undefined) return;
    let cancelled = false;
    host
      .listFiles(mentionPrefix)
      .then((paths) => {
        if (!cancelled) dispatch({ type: "mentions-found", prefix: mentionPrefix, paths });
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [host, mentionPrefix, dispatch]);

  useInput((input, key) =>
    forEachKey(
      input,
      key,
      () => uiRef.current,
      (keyInput, keyFlags) => dispatch({ type: "key", input: keyInput, key: keyFlags }),
    ),
  );
  usePaste((text) => dispatch({ type: "paste", text }));

  // ---- rendering ----
  const scrollback = h(Static, {
    key: `static-${staticGeneration}`,
    items: transcript.items,
    // biome-ignore lint/correctness/noChildrenProp: Static takes a render function as children; without JSX this is how to pass it.
    children: (item: unknown) => transcriptItemView(item as TranscriptItem, width, theme),
  });
  // Quitting: only the conversation stays; the prompt and footer are erased, not left in the scrollback.
  if (ui.leaving) return h(Box, { flexDirection: "column" }, scrollback);

  const live = liveAreaViews({
    transcript,
    busy: ui.busy,
    queue: ui.queue,
    turnStartedAt,
    tick,
    now: Date.now(),
    width,
    theme,
  });

  const menu = menuOf(ui, commands);
  const bottom = inputAreaView({
    pending: ui.pending,
    permissionSelected: ui.permissionSelected,
    denyReason: ui.denyReason,
    confirm: ui.confirm,
    picker: ui.picker ? { ...ui.picker, items: pickerItems(ui.picker) } : undefined,
    editor: ui.editor,
    busy: ui.busy,
    menu:
      menu?.kind === "slash"
        ? menu.commands.map((command) => ({ label: `/${command.name}`, description: command.description }))
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
    footerView(info, transcript.recalled.length, hint, width, theme),
  );
}

/** Keys and pastes are stepped in key-handler.ts; everything else in ui-state.ts. */
function reduceUi(state: UiState, action: UiAction, commands: SlashCommand[]): Step {
  if (action.type === "key") return keyStep(state, action.input, action.key, commands);
  if (action.type === "paste") return pasteStep(state, action.text);
  return uiStep(state, action, commands);
}
