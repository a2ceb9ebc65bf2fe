import { Box, type Key, Static, Text, useApp, useInput, usePaste, useStdout, useWindowSize } from "ink";
import {
  createElement as h,
  type ReactElement,
  useCallback,
  useEffect,
  useReducer,
  useRef,
  useState,
} from "react";
import { errorMessage, isAbortError } from "../../core/errors.ts";
import type { AgentEvent } from "../../core/events.ts";
import {
  type CommandContext,
  filterCommands,
  findCommand,
  type PickerSpec,
  parseCommandLine,
  runCommand,
  SLASH_COMMANDS,
  type SlashCommand,
} from "./commands.ts";
import {
  completeMention,
  type EditorState,
  editorWithText,
  emptyEditor,
  expandPastes,
  type HistoryCursor,
  historyStep,
  mentionAtCursor,
  pasteText,
} from "./editor.ts";
import { editorKey } from "./editor-keys.ts";
import {
  PERMISSION_MODE_CYCLE,
  type RecallEvent,
  type TranscriptLine,
  type TuiHost,
  type TuiInfo,
} from "./host.ts";
import { inputAreaView } from "./input-area.ts";
import { renderMarkdown } from "./markdown.ts";
import type { PendingPermission, PermissionBridge } from "./permission-bridge.ts";
import type { Theme } from "./theme.ts";
import { formatDuration, SPINNER_FRAMES } from "./tool-view.ts";
import {
  appendItem,
  applyEvent,
  emptyTranscript,
  flushStreaming,
  type TranscriptItem,
  type TranscriptState,
} from "./transcript.ts";
import { footerView, lines, toolView, transcriptItemView } from "./views.ts";

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
  | { type: "event"; event: AgentEvent | RecallEvent; now: number }
  | { type: "append"; item: Parameters<typeof appendItem>[1] }
  | { type: "flush" };

function transcriptReducer(state: TranscriptState, action: TranscriptAction): TranscriptState {
  if (action.type === "event") return applyEvent(state, action.event, action.now);
  if (action.type === "append") return appendItem(state, action.item);
  return flushStreaming(state);
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

  const [transcript, dispatch] = useReducer(transcriptReducer, undefined, () => {
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
  const [info, setInfo] = useState<TuiInfo>(() => host.info());
  const [editor, setEditor] = useState<EditorState>(emptyEditor);
  const [busy, setBusy] = useState(false);
  const [queue, setQueue] = useState<string[]>([]);
  const [picker, setPicker] = useState<{ spec: PickerSpec; selected: number; filter: string } | undefined>();
  const [menuSelected, setMenuSelected] = useState(0);
  const [menuDismissed, setMenuDismissed] = useState(false);
  const [mentionResults, setMentionResults] = useState<{ prefix: string; paths: string[] }>({
    prefix: "",
    paths: [],
  });
  const [pending, setPending] = useState<PendingPermission | undefined>(() => bridge.current());
  const [permissionSelected, setPermissionSelected] = useState(0);
  const [denyReason, setDenyReason] = useState<string | undefined>();
  const [exitArmed, setExitArmed] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const [tick, setTick] = useState(0);
  const [turnStartedAt, setTurnStartedAt] = useState(0);

  const history = useRef<string[]>([]);
  const historyCursor = useRef<HistoryCursor>({ index: -1, draft: "" });
  const controller = useRef<AbortController | undefined>(undefined);
  /** Settles when the running turn has finished (and stored what it had). */
  const turnFinished = useRef<Promise<void> | undefined>(undefined);
  const busyRef = useRef(false);
  const queueRef = useRef<string[]>([]);
  const recalledRef = useRef<unknown[]>([]);
  recalledRef.current = transcript.recalled;

  const refreshInfo = useCallback(() => setInfo(host.info()), [host]);
  const printTranscriptLines = useCallback((transcriptLines: TranscriptLine[]) => {
    for (const line of transcriptLines) {
      dispatch({
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
      dispatch({ type: "append", item: { kind: "notice", level, text } }),
    [],
  );

  useEffect(
    () =>
      bridge.subscribe(() => {
        setPending(bridge.current());
        setPermissionSelected(0);
        setDenyReason(undefined);
      }),
    [bridge],
  );

  // The spinner and elapsed times move only while something runs, so an idle TUI does not redraw.
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => setTick((value) => value + 1), 100);
    return () => clearInterval(timer);
  }, [busy]);

  const setQueued = (next: string[]) => {
    queueRef.current = next;
    setQueue(next);
  };

  const exit = useCallback(() => {
    controller.current?.abort();
    bridge.denyAll("the user quit");
    const running = turnFinished.current;
    if (!running) return app.exit();
    // Let the interrupted turn store what it has (its partial answer) before the runtime
    // closes behind the TUI; a turn that will not settle does not hold the exit for long.
    void Promise.race([running, new Promise((resolve) => setTimeout(resolve, 3_000))]).then(() => app.exit());
  }, [app, bridge]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: submitText is recreated each render; the ref keeps the latest.
  const startTurn = useCallback(
    async (prompt: string) => {
      busyRef.current = true;
      let settle = () => {};
      turnFinished.current = new Promise<void>((resolve) => {
        settle = resolve;
      });
      setBusy(true);
      setTurnStartedAt(Date.now());
      dispatch({ type: "append", item: { kind: "user", text: prompt } });
      const abort = new AbortController();
      controller.current = abort;
      let sawDone = false;
      try {
        for await (const event of host.submit(prompt, abort.signal)) {
          if (event.type === "done") sawDone = true;
          dispatch({ type: "event", event, now: Date.now() });
          if (event.type === "usage" || event.type === "turn-end" || event.type === "done") refreshInfo();
        }
      } catch (error) {
        if (!isAbortError(error) && !abort.signal.aborted) notify("error", errorMessage(error));
      }
      if (!sawDone) {
        dispatch({
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
      busyRef.current = false;
      turnFinished.current = undefined;
      settle();
      setBusy(false);
      refreshInfo();
      const [next, ...rest] = queueRef.current;
      if (next !== undefined && !abort.signal.aborted) {
        setQueued(rest);
        submitRef.current(next);
      }
    },
    [host, refreshInfo, notify],
  );

  const commandContext = (argument: string): CommandContext => ({
    host,
    argument,
    commands,
    recalled: recalledRef.current,
    print: (text, markdown = false) => dispatch({ type: "append", item: { kind: "output", text, markdown } }),
    notify,
    printTranscript: printTranscriptLines,
    pick: (spec) => setPicker({ spec, selected: 0, filter: "" }),
    submitPrompt: (text) => submitRef.current(text),
    refreshInfo,
    exit,
  });

  const submitText = (text: string) => {
    const trimmed = text.trim();
    if (trimmed === "") return;
    const parsed = parseCommandLine(trimmed);
    if (parsed) {
      const command = findCommand(commands, parsed.name);
      if (!command) {
        notify("warning", `Unknown command /${parsed.name}; /help lists them.`);
        return;
      }
      if (busyRef.current && !command.whileRunning) {
        setQueued([...queueRef.current, trimmed]);
        return;
      }
      void runCommand(command, commandContext(parsed.argument));
      return;
    }
    if (busyRef.current) {
      setQueued([...queueRef.current, text]);
      return;
    }
    void startTurn(text);
  };
  const submitRef = useRef(submitText);
  submitRef.current = submitText;

  // Load prompt history once, then send the initial prompt (if any).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once at mount.
  useEffect(() => {
    let cancelled = false;
    host.history
      .load()
      .then((entries) => {
        if (!cancelled) history.current = entries;
      })
      .catch(() => {});
    // `tacit "…"`: sent once the continued conversation (if any) is on screen, so it reads in order.
    const sendInitialPrompt = () => {
      if (props.initialPrompt) submitRef.current(props.initialPrompt);
    };
    // The prompt is drawn before the host has started; show the real model and mode once it has,
    // and leave with its error if it cannot start (a missing key, a malformed settings file).
    const showStartupNotices = () => {
      const resumed = host.startupTranscript?.() ?? [];
      if (resumed.length > 0) {
        dispatch({
          type: "append",
          item: { kind: "notice", level: "info", text: "Continuing this conversation:" },
        });
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

  // Slash menu: shown while the text is a bare `/word`.
  const slashMatch = /^\/([\w-]*)$/.exec(editor.text);
  const slashEntries = slashMatch && !menuDismissed ? filterCommands(commands, slashMatch[1]!) : [];
  const mention = mentionAtCursor(editor);
  const mentionEntries =
    mention && !menuDismissed && mentionResults.prefix === mention.prefix ? mentionResults.paths : [];
  const menuKind = slashEntries.length > 0 ? "slash" : mentionEntries.length > 0 ? "mention" : undefined;
  const menuLength = menuKind === "slash" ? slashEntries.length : mentionEntries.length;
  const selectedIndex = Math.min(menuSelected, Math.max(0, menuLength - 1));

  const mentionPrefix = mention?.prefix;
  useEffect(() => {
    if (mentionPrefix === undefined) return;
    let cancelled = false;
    host
      .listFiles(mentionPrefix)
      .then((paths) => {
        if (!cancelled) setMentionResults({ prefix: mentionPrefix, paths: paths.slice(0, 50) });
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [host, mentionPrefix]);

  const changeEditor = (next: EditorState) => {
    if (next.text !== editor.text) {
      setMenuDismissed(false);
      setMenuSelected(0);
    }
    setEditor(next);
  };

  const acceptMenu = (): EditorState | undefined => {
    if (menuKind === "slash") {
      const command = slashEntries[selectedIndex]!;
      return editorWithText(`/${command.name}${command.argumentHint ? " " : ""}`);
    }
    if (menuKind === "mention") return completeMention(editor, mentionEntries[selectedIndex]!);
    return undefined;
  };

  const handlePermissionKey = (current: PendingPermission, input: string, key: Key) => {
    if (denyReason !== undefined) {
      const typedThenEnter = input.length > 1 && input.endsWith("\r");
      const reason = typedThenEnter ? denyReason + input.slice(0, -1) : denyReason;
      if (key.return || typedThenEnter) {
        bridge.answer(current.id, { decision: "deny", ...(reason.trim() ? { reason: reason.trim() } : {}) });
      } else if (key.escape) setDenyReason(undefined);
      else if (key.backspace || key.delete) setDenyReason(denyReason.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setDenyReason(denyReason + input.replace(/[\r\n]+/g, " "));
      return;
    }
    const choose = (index: number) => {
      if (index === 0) bridge.answer(current.id, { decision: "allow-once" });
      else if (index === 1) bridge.answer(current.id, { decision: "allow-always" });
      else setDenyReason("");
    };
    if (key.upArrow) setPermissionSelected((permissionSelected + 2) % 3);
    else if (key.downArrow || key.tab) setPermissionSelected((permissionSelected + 1) % 3);
    else if (key.return) choose(permissionSelected);
    else if (key.escape) bridge.answer(current.id, { decision: "deny" });
    else if (input === "1" || input === "2" || input === "3") choose(Number(input) - 1);
  };

  const handlePickerKey = (input: string, key: Key) => {
    if (!picker) return;
    const filtered = pickerItems(picker);
    if (key.escape) return setPicker(undefined);
    if (key.upArrow) return setPicker({ ...picker, selected: Math.max(0, picker.selected - 1) });
    if (key.downArrow || key.tab)
      return setPicker({ ...picker, selected: Math.min(filtered.length - 1, picker.selected + 1) });
    if (key.return) {
      const item = filtered[picker.selected];
      setPicker(undefined);
      if (item) {
        Promise.resolve()
          .then(() => picker.spec.onSelect(item.value))
          .catch((error: unknown) => notify("error", errorMessage(error)));
      }
      return;
    }
    if (key.backspace || key.delete)
      return setPicker({ ...picker, filter: picker.filter.slice(0, -1), selected: 0 });
    if (input && !key.ctrl && !key.meta) setPicker({ ...picker, filter: picker.filter + input, selected: 0 });
  };

  useInput((input, key) => {
    if (key.ctrl && input === "c") {
      if (pending) bridge.answer(pending.id, { decision: "deny", reason: "interrupted" });
      if (busyRef.current) {
        controller.current?.abort();
        setExitArmed(true);
        return;
      }
      if (picker) return setPicker(undefined);
      if (editor.text !== "") {
        changeEditor(emptyEditor());
        return;
      }
      if (exitArmed) return exit();
      setExitArmed(true);
      return;
    }
    if (exitArmed) setExitArmed(false);
    if (pending) return handlePermissionKey(pending, input, key);
    if (picker) return handlePickerKey(input, key);
    if (key.tab && key.shift) {
      const position = PERMISSION_MODE_CYCLE.indexOf(info.permissionMode);
      const next = PERMISSION_MODE_CYCLE[(position + 1) % PERMISSION_MODE_CYCLE.length]!;
      host.setPermissionMode(next);
      setInfo({ ...host.info(), permissionMode: next });
      return;
    }
    if (key.ctrl && input === "o") return setExpanded(!expanded);
    if (key.escape) {
      if (menuKind) return setMenuDismissed(true);
      if (busyRef.current) {
        controller.current?.abort();
        // Queued messages come back to the editor: after an interrupt the user usually wants to rethink them.
        if (queueRef.current.length > 0) {
          const restored = [...queueRef.current, editor.text].filter((part) => part !== "").join("\n");
          setQueued([]);
          changeEditor(editorWithText(restored));
        }
      }
      return;
    }
    if (menuKind) {
      if (key.upArrow) return setMenuSelected(Math.max(0, selectedIndex - 1));
      if (key.downArrow) return setMenuSelected(Math.min(menuLength - 1, selectedIndex + 1));
      if (key.tab) {
        const next = acceptMenu();
        if (next) changeEditor(next);
        return;
      }
      if (key.return && !key.shift && !key.meta) {
        if (menuKind === "mention") {
          const next = acceptMenu();
          if (next) changeEditor(next);
          return;
        }
        const command = slashEntries[selectedIndex]!;
        const typed = slashMatch?.[1] ?? "";
        // Enter runs the highlighted command, unless what was typed is itself a full command name.
        const chosen = findCommand(commands, typed) ?? command;
        changeEditor(emptyEditor());
        submitText(`/${chosen.name}`);
        return;
      }
    }
    const outcome = editorKey(editor, input, key);
    if (outcome.kind === "edited") {
      historyCursor.current = { index: -1, draft: "" };
      changeEditor(outcome.state);
    } else if (outcome.kind === "history") {
      const step = historyStep(history.current, historyCursor.current, editor.text, outcome.direction);
      if (step) {
        historyCursor.current = step.cursor;
        changeEditor(editorWithText(step.text));
      }
    } else if (outcome.kind === "submit") {
      const text = expandPastes(outcome.state ?? editor);
      if (text.trim() === "") return;
      historyCursor.current = { index: -1, draft: "" };
      if (history.current[history.current.length - 1] !== text) {
        history.current = [...history.current, text];
        host.history.append(text).catch(() => {});
      }
      changeEditor(emptyEditor());
      submitText(text);
    }
  });

  usePaste((text) => {
    if (pending && denyReason !== undefined) return setDenyReason(denyReason + text.replace(/\s+/g, " "));
    if (pending || picker) return;
    changeEditor(pasteText(editor, text));
  });

  // ---- rendering ----
  const now = Date.now();
  const spinner = SPINNER_FRAMES[tick % SPINNER_FRAMES.length]!;
  const live: ReactElement[] = [];
  if (transcript.streaming.trim() !== "") {
    const rendered = renderMarkdown(transcript.streaming, width - 2, theme);
    const bullet = transcript.streamingContinued ? "  " : `${theme.paint("accent", "●")} `;
    live.push(
      h(
        Box,
        { key: "streaming", marginTop: 1 },
        lines(rendered.map((line, index) => (index === 0 ? bullet : "  ") + line)),
      ),
    );
  }
  for (const view of transcript.running) {
    live.push(h(Box, { key: view.toolCallId }, toolView(view, width, theme, now, tick, false)));
  }
  if (expanded && transcript.lastTool) {
    live.push(
      h(
        Box,
        { key: "expanded", flexDirection: "column", marginTop: 1 },
        toolView(transcript.lastTool, width, theme, now, 0, true),
      ),
    );
  }
  if (busy && transcript.running.length === 0 && transcript.streaming.trim() === "") {
    const label = transcript.thinking ? "Thinking" : "Working";
    live.push(
      h(
        Text,
        { key: "status" },
        `${theme.paint("accent", spinner)} ${theme.paint("gray", `${label}… ${formatDuration(now - turnStartedAt)} · esc to interrupt`)}`,
      ),
    );
  }
  for (const [index, queued] of queue.entries()) {
    live.push(
      h(
        Text,
        { key: `queued-${index}`, wrap: "truncate-end" },
        theme.paint("gray", `⧗ queued: ${queued.replace(/\s+/g, " ")}`),
      ),
    );
  }

  const bottom = inputAreaView({
    pending,
    permissionSelected,
    denyReason,
    picker: picker ? { ...picker, items: pickerItems(picker) } : undefined,
    editor,
    busy,
    menu:
      menuKind === "slash"
        ? slashEntries.map((command) => ({ label: `/${command.name}`, description: command.description }))
        : menuKind === "mention"
          ? mentionEntries.map((path) => ({ label: path }))
          : undefined,
    selectedIndex,
    width,
    theme,
  });

  const hint = exitArmed
    ? "Press Ctrl-C again to exit"
    : busy
      ? `esc to interrupt${queue.length > 0 ? ` · ${queue.length} queued` : ""}`
      : "/help · shift+tab mode · ctrl+o expand tool · ctrl+c twice quit";

  return h(
    Box,
    { flexDirection: "column" },
    h(Static, {
      key: `static-${staticGeneration}`,
      items: transcript.items,
      // biome-ignore lint/correctness/noChildrenProp: Static takes a render function as children; without JSX this is how to pass it.
      children: (item: unknown) => transcriptItemView(item as TranscriptItem, width, theme),
    }),
    ...live,
    bottom,
    footerView(info, transcript.recalled.length, hint, width, theme),
  );
}

function pickerItems(picker: { spec: PickerSpec; filter: string }) {
  const filter = picker.filter.toLowerCase();
  if (!filter) return picker.spec.items;
  return picker.spec.items.filter((item) =>
    `${item.label} ${item.description ?? ""}`.toLowerCase().includes(filter),
  );
}
