import { errorMessage, isAbortError } from "../../core/errors.ts";
import type { PermissionMode } from "../../core/permission-mode.ts";
import { type CommandContext, runCommand, type SlashCommand } from "./commands.ts";
import type { TranscriptLine, TuiHost, TuiLaunch } from "./host.ts";
import { keyStep, pasteStep } from "./key-handler.ts";
import type { PermissionBridge } from "./permission-bridge.ts";
import { isTrustQuestion, TRUST_ARMING_MS } from "./trust-question.ts";
import { type Step, type UiAction, type UiEffect, type UiState, uiStep } from "./ui-state.ts";

/**
 * The one impure part of the TUI. It holds the UI state, steps it with the
 * pure reducer (ui-state.ts, key-handler.ts), and carries out the effects
 * each step returns against the host and the permission bridge: it runs
 * turns, runs slash commands, answers the gate. app.ts draws what it holds
 * and hands it keys. What it keeps besides the state are resources, not
 * things on screen: the host once it has started, the running turn's abort
 * switch and its end.
 *
 * The prompt is drawn before the host exists (the runtime loads behind it).
 * Until launch.ready resolves, a prompt or command waits for it, and a
 * permission mode chosen with Shift+Tab is handed over when it arrives.
 */

export interface TuiControllerOptions {
  launch: TuiLaunch;
  bridge: PermissionBridge;
  commands: SlashCommand[];
  initial: UiState;
  /** Sent once the host has started and the continued conversation is on screen (`tacit "…"`). */
  initialPrompt?: string;
  /** The host could not start (a missing key, a malformed settings file): the TUI exits with this. */
  fail(error: Error): void;
}

export interface TuiController {
  getState(): UiState;
  /** For React's useSyncExternalStore: called after each step that changed the state. */
  subscribe(listener: () => void): () => void;
  dispatch(action: UiAction): void;
  /** Watches the permission bridge and waits for the host (then loads the history, sends the first prompt); returns the cleanup. */
  start(): () => void;
  /** Asks the host for paths completing an @ mention (answered with mentions-found); returns the cancel. */
  findMentions(prefix: string): () => void;
}

export function createTuiController(options: TuiControllerOptions): TuiController {
  const { launch, bridge, commands } = options;
  let state = options.initial;
  let host: TuiHost | undefined;
  /** Shift+Tab pressed before the host existed: the mode to give it when it does. */
  let earlyMode: PermissionMode | undefined;
  const listeners = new Set<() => void>();
  /** Steps dispatched by effects of a step are drawn together with it: one frame, not one per step. */
  let depth = 0;
  let changed = false;
  let running: { abort: AbortController; finished: Promise<void> } | undefined;

  const dispatch = (action: UiAction): void => {
    const step = reduce(state, action, commands);
    if (step.state !== state) {
      state = step.state;
      changed = true;
    }
    depth++;
    try {
      for (const effect of step.effects) runEffect(effect);
    } finally {
      depth--;
    }
    if (depth === 0 && changed) {
      changed = false;
      for (const listener of listeners) listener();
    }
  };

  const notify = (level: "info" | "warning" | "error", text: string) =>
    dispatch({ type: "print", item: { kind: "notice", level, text } });
  const refreshInfo = () => {
    if (host) dispatch({ type: "info", info: host.info() });
  };
  /** Runs at once when the host is there (so a picker it opens takes the next key of a burst), else once it is. */
  const withHost = (use: (ready: TuiHost) => void) => {
    if (host) use(host);
    // A host that cannot start is reported by start(), which exits the TUI.
    else launch.ready.then(use, () => {});
  };
  const printTranscript = (lines: TranscriptLine[]) => {
    for (const line of lines) {
      dispatch({
        type: "print",
        item:
          line.role === "user"
            ? { kind: "user", text: line.text }
            : line.role === "notice"
              ? { kind: "notice", level: "warning", text: line.text }
              : { kind: "assistant", text: line.text, continued: false },
      });
    }
  };

  const runTurn = async (prompt: string): Promise<void> => {
    const abort = new AbortController();
    let settle = () => {};
    running = { abort, finished: new Promise<void>((resolve) => (settle = resolve)) };
    dispatch({ type: "turn-started", at: Date.now() });
    let sawDone = false;
    try {
      const events = host ? host.submit(prompt, abort.signal) : submitWhenReady(launch, prompt, abort.signal);
      for await (const event of events) {
        if (event.type === "done") sawDone = true;
        dispatch({ type: "agent-event", event, now: Date.now() });
        if (event.type === "usage" || event.type === "turn-end" || event.type === "done") refreshInfo();
      }
    } catch (error) {
      if (!isAbortError(error) && !abort.signal.aborted) notify("error", errorMessage(error));
    }
    if (!sawDone) {
      const usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
      const reason = abort.signal.aborted ? "aborted" : "stop";
      dispatch({
        type: "agent-event",
        event: { type: "done", reason, usage, costUsd: 0, turns: 0 },
        now: Date.now(),
      });
    }
    // Cleared before turn-ended, which may start the next queued prompt at once.
    running = undefined;
    settle();
    refreshInfo();
    dispatch({ type: "turn-ended", aborted: abort.signal.aborted });
  };

  const leave = () => {
    const finished = running?.finished ?? Promise.resolve();
    running?.abort.abort();
    bridge.denyAll("the user quit");
    // Let the interrupted turn store what it has (its partial answer) before the runtime
    // closes behind the TUI; a turn that will not settle does not hold the exit for long.
    // (unref: the wait must not itself keep the process alive after the turn has settled).
    const patience = new Promise((resolve) => setTimeout(resolve, 3_000).unref());
    void Promise.race([finished, patience]).then(() => dispatch({ type: "exit-ready" }));
  };

  const commandContext = (host: TuiHost, argument: string): CommandContext => ({
    host,
    argument,
    commands,
    recalled: state.transcript.recalled,
    print: (text, markdown = false) => dispatch({ type: "print", item: { kind: "output", text, markdown } }),
    notify,
    printTranscript,
    pick: (spec) => dispatch({ type: "pick", spec }),
    confirm: (question) =>
      new Promise<boolean>((resolve) =>
        dispatch({ type: "confirm", confirm: { question, answer: resolve } }),
      ),
    sessionChanged: () => dispatch({ type: "session-changed" }),
    submitPrompt: (text) => dispatch({ type: "submit", text }),
    refreshInfo,
    exit: () => dispatch({ type: "leave" }),
  });

  const runEffect = (effect: UiEffect) => {
    switch (effect.kind) {
      case "start-turn":
        return void runTurn(effect.prompt);
      case "run-command":
        return withHost((ready) => void runCommand(effect.command, commandContext(ready, effect.argument)));
      case "save-history":
        return withHost((ready) => void ready.history.append(effect.text).catch(() => {}));
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
        return running?.abort.abort();
      case "leave":
        return leave();
      case "set-permission-mode":
        if (host) return host.setPermissionMode(effect.mode);
        earlyMode = effect.mode;
        return;
    }
  };

  const start = () => {
    let cancelled = false;
    let armedId: number | undefined;
    let stopNotices = () => {};
    const permissionChanged = () => {
      const pending = bridge.current();
      dispatch({ type: "permission-changed", pending });
      // The trust question takes no key until it has shown a moment (keys typed ahead drain into the editor).
      if (pending && isTrustQuestion(pending) && armedId !== pending.id) {
        armedId = pending.id;
        setTimeout(() => dispatch({ type: "permission-armed", id: pending.id }), TRUST_ARMING_MS).unref();
      }
    };
    const unsubscribe = bridge.subscribe(permissionChanged);
    permissionChanged();
    // Registered first, so the host is set before anything else that waits for it runs.
    launch.ready.then(
      (started) => {
        if (cancelled) return;
        host = started;
        if (earlyMode) started.setPermissionMode(earlyMode);
        // The real model and mode replace the placeholder.
        refreshInfo();
        started.history
          .load()
          .then((entries) => {
            if (!cancelled) dispatch({ type: "history-loaded", entries });
          })
          .catch(() => {});
        // The continued conversation (if any) goes on screen first, then `tacit "…"`'s prompt, so it reads in order.
        const resumed = started.startupTranscript();
        if (resumed.length > 0) {
          notify("info", "Continuing this conversation:");
          printTranscript(resumed);
        }
        for (const text of started.startupNotes?.() ?? []) notify("info", text);
        stopNotices = started.watchNotices((text) => notify("warning", text));
        if (options.initialPrompt) dispatch({ type: "submit", text: options.initialPrompt });
      },
      // It cannot start (a missing key, a malformed settings file): leave with its error.
      (error: unknown) => options.fail(error instanceof Error ? error : new Error(String(error))),
    );
    return () => {
      cancelled = true;
      unsubscribe();
      stopNotices();
    };
  };

  const findMentions = (prefix: string) => {
    let cancelled = false;
    (host ? Promise.resolve(host) : launch.ready)
      .then((ready) => ready.listFiles(prefix))
      .then((paths) => {
        if (!cancelled) dispatch({ type: "mentions-found", prefix, paths });
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  };

  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch,
    start,
    findMentions,
  };
}

/** Keys and pastes are stepped in key-handler.ts; everything else in ui-state.ts. */
function reduce(state: UiState, action: UiAction, commands: SlashCommand[]): Step {
  if (action.type === "key") return keyStep(state, action.input, action.key, commands, action.inChunk);
  if (action.type === "paste") return pasteStep(state, action.text);
  return uiStep(state, action, commands);
}

/** A prompt sent before the host has started runs once it has. */
async function* submitWhenReady(launch: TuiLaunch, prompt: string, signal: AbortSignal) {
  yield* (await launch.ready).submit(prompt, signal);
}
